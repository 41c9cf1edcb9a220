using System.Text;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>Reads <c>source</c>: engine, connection and the engine-specific capture settings.</summary>
internal static class SourceSectionReader
{
    public static SourceDefinition? Read(YamlMap root, string? pipelineName, Func<string, string?> environment)
    {
        var map = root.Map("source", PipelineKeys.Source, required: true);
        if (map is null) return null;

        var kind = map.Enum("kind", PipelineKeys.SourceKinds, required: true);
        var connection = SecretText.Read(map, "connection", environment, "a connection string or ${env:NAME}");
        var captureMode = map.Enum("capture_mode", PipelineKeys.CaptureModes);
        var slot = map.String("slot");
        var publication = map.String("publication");
        var onRetentionGap = map.Enum("on_retention_gap", PipelineKeys.RetentionGapPolicies);
        var authentication = SqlServerSettings.ReadAuthentication(map, kind == SourceKind.SqlServer, out var clientId);
        var manageInstances = map.Bool("manage_capture_instances");

        if (kind == SourceKind.Postgres && map.Has("capture_mode"))
        {
            map.KeyError("capture_mode", "applies only to sqlserver sources; PostgreSQL always uses logical replication");
        }

        if (kind == SourceKind.Postgres && map.Has("manage_capture_instances"))
        {
            map.KeyError("manage_capture_instances", "applies only to sqlserver sources with CDC");
        }

        if (kind == SourceKind.SqlServer)
        {
            if (map.Has("slot")) map.KeyError("slot", "applies only to postgres sources");
            if (map.Has("publication")) map.KeyError("publication", "applies only to postgres sources");
        }

        if (slot is not null && !PipelineNames.IsValidSlotName(slot))
        {
            map.Error("slot", $"'{slot}' is not a valid replication slot name: use lower-case letters, digits and '_', at most 63 characters");
            slot = null;
        }

        if (publication is not null && Encoding.UTF8.GetByteCount(publication) > PipelineNames.MaxPostgresIdentifierBytes)
        {
            map.Error("publication", $"is longer than PostgreSQL's {PipelineNames.MaxPostgresIdentifierBytes}-byte identifier limit");
            publication = null;
        }
        else if (publication is not null && publication.IndexOfAny(['"', '\'', '\\', '\0']) >= 0)
        {
            map.Error("publication", "must not contain quotes or backslashes");
            publication = null;
        }

        if (kind is null || connection is null) return null;
        if (kind == SourceKind.Postgres && PipelineNames.IsValidName(pipelineName))
        {
            slot ??= PipelineNames.DefaultSlotName(pipelineName!);
            publication ??= slot;
        }

        return new SourceDefinition
        {
            Kind = kind.Value,
            Connection = connection,
            CaptureMode = captureMode ?? CaptureMode.Auto,
            Slot = slot,
            Publication = publication,
            OnRetentionGap = onRetentionGap ?? RetentionGapPolicy.Resnapshot,
            Authentication = authentication,
            ManagedIdentityClientId = clientId,
            ManageCaptureInstances = manageInstances ?? false,
        };
    }
}
