using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Cdc.Core.Model;

namespace Cdc.Core.Staging.Json;

/// <summary>
/// Writes a <see cref="TableSchema"/> as its constructor arguments (table, columns, key columns) and rebuilds it through
/// the constructor, so the derived members (key ordinals, fingerprint) are recomputed and validated on read.
/// </summary>
public sealed class TableSchemaJsonConverter : JsonConverter<TableSchema>
{
    public override TableSchema Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var document = JsonSerializer.Deserialize(ref reader, DocumentInfo(options))
            ?? throw new JsonException("A table schema cannot be null.");
        try
        {
            return new TableSchema(document.Table, document.Columns, document.KeyColumns);
        }
        catch (ArgumentException e)
        {
            throw new JsonException($"Invalid table schema: {e.Message}", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, TableSchema value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        JsonSerializer.Serialize(writer, new TableSchemaDocument(value.Table, value.Columns, value.KeyColumns), DocumentInfo(options));
    }

    private static JsonTypeInfo<TableSchemaDocument> DocumentInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<TableSchemaDocument>)options.GetTypeInfo(typeof(TableSchemaDocument));
}

/// <summary>The serialized shape of a <see cref="TableSchema"/>.</summary>
internal sealed record TableSchemaDocument(TableId Table, IReadOnlyList<ColumnSchema> Columns, IReadOnlyList<string> KeyColumns);
