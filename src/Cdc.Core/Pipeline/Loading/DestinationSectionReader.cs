using System.Text;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>Reads <c>destination</c>: engine, connection, target schema and the SCD defaults for every object.</summary>
internal static class DestinationSectionReader
{
    public const string ScdTypeRange = "must be 1 (keep the latest version) or 2 (keep history)";

    /// <param name="facts">What the objects need to know even when the section has errors elsewhere.</param>
    public static DestinationDefinition? Read(YamlMap root, Func<string, string?> environment, out DestinationFacts facts)
    {
        facts = new DestinationFacts(null, 1);
        var map = root.Map("destination", PipelineKeys.Destination, required: true);
        if (map is null) return null;

        var kind = map.Enum("kind", PipelineKeys.DestinationKinds, required: true);
        var connection = SecretText.Read(map, "connection", environment, "a connection string or ${env:NAME}");
        var schema = map.String("schema");
        var scdType = map.Int("scd_type", 1, 2, ScdTypeRange);
        var softDeletes = map.Bool("soft_deletes");
        var authentication = SqlServerSettings.ReadAuthentication(map, kind == DestinationKind.SqlServer, out var clientId);

        if (schema is not null && kind == DestinationKind.Postgres && Encoding.UTF8.GetByteCount(schema) > PipelineNames.MaxPostgresIdentifierBytes)
        {
            map.Error("schema", $"is longer than PostgreSQL's {PipelineNames.MaxPostgresIdentifierBytes}-byte identifier limit");
        }

        if (scdType == 2 && softDeletes == true)
        {
            map.Error("soft_deletes", "applies to SCD type 1 only; SCD type 2 already keeps deleted rows as closed history");
        }

        facts = new DestinationFacts(kind, scdType ?? 1);
        if (kind is null || connection is null) return null;
        var defaults = new DestinationDefinition { Kind = kind.Value, Connection = connection };
        return defaults with
        {
            Schema = schema ?? defaults.Schema,
            ScdType = scdType ?? defaults.ScdType,
            SoftDeletes = softDeletes ?? defaults.SoftDeletes,
            Authentication = authentication,
            ManagedIdentityClientId = clientId,
        };
    }
}

/// <summary>The destination settings that object entries depend on.</summary>
internal sealed record DestinationFacts(DestinationKind? Kind, int ScdType)
{
    /// <summary>PostgreSQL compares quoted table names exactly; SQL Server's usual collations ignore case.</summary>
    public StringComparer TableNames => Kind == DestinationKind.SqlServer ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
}
