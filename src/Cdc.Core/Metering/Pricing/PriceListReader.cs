using System.Globalization;
using System.Text.Json;

namespace Cdc.Core.Metering;

/// <summary>
/// Reads a price list file:
/// <code>
/// { "currency": "USD",
///   "prices": [ { "sku": "...", "unit": "GB-second", "price": 0.000026, "per": 1, "effective_from": "2024-11-01",
///                 "description": "..." } ] }
/// </code>
/// <c>per</c> defaults to 1; <c>effective_from</c> is a date (midnight UTC) or a date and time with offset.
/// </summary>
public static class PriceListReader
{
    /// <exception cref="PriceListException">The text is not a valid price list; the message names the entry and field.</exception>
    public static PriceList Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new PriceListException($"{source}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Problem(source, "", "expected an object with currency and prices");
            var currency = Text(root, "currency", source, "") ?? throw Problem(source, "currency", "is required, e.g. \"USD\"");
            if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)) throw Problem(source, "currency", $"'{currency}' is not a three-letter ISO code such as USD");
            if (!root.TryGetProperty("prices", out var prices) || prices.ValueKind != JsonValueKind.Array)
                throw Problem(source, "prices", "is required: a list of { sku, unit, price, per, effective_from }");

            var entries = new List<PriceEntry>();
            var index = 0;
            foreach (var item in prices.EnumerateArray())
            {
                var at = $"prices[{index++}]";
                if (item.ValueKind != JsonValueKind.Object) throw Problem(source, at, "expected an object");
                var sku = Text(item, "sku", source, at) ?? throw Problem(source, $"{at}.sku", "is required");
                var unit = Text(item, "unit", source, at) ?? throw Problem(source, $"{at}.unit", "is required, e.g. \"GB-second\"");
                var price = Number(item, "price", source, at) ?? throw Problem(source, $"{at}.price", "is required");
                if (price < 0) throw Problem(source, $"{at}.price", "must not be negative");
                var per = Number(item, "per", source, at) ?? 1m;
                if (per <= 0) throw Problem(source, $"{at}.per", "must be positive: the number of units the price is for, e.g. 1000000");
                var fromText = Text(item, "effective_from", source, at) ?? throw Problem(source, $"{at}.effective_from", "is required, e.g. \"2024-11-01\"");
                var from = ParseDate(fromText) ?? throw Problem(source, $"{at}.effective_from", $"'{fromText}' is not a date (2024-11-01) or a date and time with offset");
                var description = Text(item, "description", source, at);
                if (entries.Any(e => e.Sku == sku && e.EffectiveFrom == from))
                    throw Problem(source, at, $"SKU '{sku}' already has a price effective from {fromText}");
                entries.Add(new PriceEntry(sku, unit, price, per, from, description));
            }
            return new PriceList(currency, entries, source);
        }
    }

    private static DateTimeOffset? ParseDate(string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }

    private static string? Text(JsonElement item, string name, string source, string at)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            throw Problem(source, Join(at, name), "expected non-empty text");
        return value.GetString()!.Trim();
    }

    private static decimal? Number(JsonElement item, string name, string source, string at)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number)) throw Problem(source, Join(at, name), "expected a number");
        return number;
    }

    private static string Join(string at, string name) => at.Length == 0 ? name : $"{at}.{name}";

    private static PriceListException Problem(string source, string field, string message) =>
        new(field.Length == 0 ? $"{source}: {message}." : $"{source}: {field}: {message}.");
}
