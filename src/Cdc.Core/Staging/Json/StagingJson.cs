using System.Text.Json;
using Cdc.Core.Model;

namespace Cdc.Core.Staging.Json;

/// <summary>
/// The JSON shape of staging documents (commit records, schemas, gateway state, leases): camelCase names, enums as
/// strings, <see cref="TableId"/> as <c>{schema, name}</c> and <see cref="TableSchema"/> as its constructor arguments.
/// </summary>
public static class StagingJson
{
    /// <summary>Options with the converters and metadata for every staging document type.</summary>
    public static JsonSerializerOptions Options => StagingJsonContext.Default.Options;

    public static byte[] SerializeCommit(CommitRecord commit) =>
        JsonSerializer.SerializeToUtf8Bytes(commit, StagingJsonContext.Default.CommitRecord);

    /// <summary>Parses a commit record; throws <see cref="JsonException"/> when it is malformed or incomplete.</summary>
    public static CommitRecord DeserializeCommit(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, StagingJsonContext.Default.CommitRecord) ?? throw new JsonException("A commit record cannot be null.");

    public static string SerializeSchema(TableSchema schema) =>
        JsonSerializer.Serialize(schema, StagingJsonContext.Default.TableSchema);

    public static TableSchema DeserializeSchema(string json) =>
        JsonSerializer.Deserialize(json, StagingJsonContext.Default.TableSchema) ?? throw new JsonException("A table schema cannot be null.");
}
