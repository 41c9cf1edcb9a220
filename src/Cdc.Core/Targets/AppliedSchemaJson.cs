using System.Text;
using System.Text.Json;
using Cdc.Core.Model;

namespace Cdc.Core.Targets;

/// <summary>
/// The document every target keeps with its applied state: the target's columns and keys as applied, for later
/// evolution and inspection. Engine-neutral, so targets of every engine write the same shape.
/// </summary>
internal static class AppliedSchemaJson
{
    /// <param name="schema">The batch schema the columns were applied for.</param>
    /// <param name="scdType">The flow's SCD type.</param>
    /// <param name="softDeletes">Whether deletes are kept as soft deletes.</param>
    /// <param name="primaryKey">The target's primary key.</param>
    /// <param name="columns">The target's columns: name and type as the target declares it.</param>
    public static string Write(TableSchema schema, int scdType, bool softDeletes, IReadOnlyList<string> primaryKey, IEnumerable<(string Name, string Type)> columns)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(primaryKey);
        ArgumentNullException.ThrowIfNull(columns);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("sourceTable", schema.Table.ToString());
            json.WriteNumber("scdType", scdType);
            json.WriteBoolean("softDeletes", softDeletes);
            json.WriteStartArray("keys");
            foreach (var key in schema.KeyColumns) json.WriteStringValue(key);
            json.WriteEndArray();
            json.WriteStartArray("primaryKey");
            foreach (var key in primaryKey) json.WriteStringValue(key);
            json.WriteEndArray();
            json.WriteStartArray("columns");
            foreach (var (name, type) in columns)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("type", type);
                var source = schema.Find(name);
                if (source is not null) json.WriteString("logicalType", source.Type.ToString());
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
