using System.Text.Json;
using System.Text.Json.Serialization;
using Cdc.Core.Model;

namespace Cdc.Core.Staging.Json;

/// <summary>Writes a <see cref="TableId"/> as <c>{"schema": "...", "name": "..."}</c>: both parts verbatim, no escaping.</summary>
public sealed class TableIdJsonConverter : JsonConverter<TableId>
{
    public override TableId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("A table must be an object with 'schema' and 'name'.");
        string? schema = null, name = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName) throw new JsonException("A table must be an object with 'schema' and 'name'.");
            var property = reader.GetString();
            reader.Read();
            switch (property)
            {
                case "schema":
                    schema = reader.GetString();
                    break;
                case "name":
                    name = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (schema is null || name is null) throw new JsonException("A table needs both 'schema' and 'name'.");
        return new TableId(schema, name);
    }

    public override void Write(Utf8JsonWriter writer, TableId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("schema", value.Schema);
        writer.WriteString("name", value.Name);
        writer.WriteEndObject();
    }
}
