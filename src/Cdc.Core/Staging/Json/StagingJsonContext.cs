using System.Text.Json.Serialization;
using Cdc.Core.Model;
using Cdc.Core.Staging.Format;
using Cdc.Core.State;

namespace Cdc.Core.Staging.Json;

/// <summary>Compile-time JSON metadata for every document the staging area and gateway state write.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    Converters = [typeof(TableIdJsonConverter), typeof(TableSchemaJsonConverter)])]
[JsonSerializable(typeof(CommitRecord))]
[JsonSerializable(typeof(TableSchema))]
[JsonSerializable(typeof(TableSchemaDocument))]
[JsonSerializable(typeof(ColumnSchema))]
[JsonSerializable(typeof(TableGatewayState))]
[JsonSerializable(typeof(LeaseInfo))]
[JsonSerializable(typeof(StagedFileHeader))]
[JsonSerializable(typeof(QuarantineNote))]
internal sealed partial class StagingJsonContext : JsonSerializerContext;
