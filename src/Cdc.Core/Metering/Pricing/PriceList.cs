namespace Cdc.Core.Metering;

/// <summary>
/// Prices per SKU with effective dates, in one currency. A usage record is priced with the entries in effect at its
/// start, so a price change in the middle of a budget period prices earlier runs at the old price and later ones at
/// the new. <see cref="Default"/> is built in; a user file replaces the SKUs it lists (see <see cref="Load"/>).
/// </summary>
public sealed class PriceList
{
    private readonly Dictionary<string, PriceEntry[]> _bySku;

    public PriceList(string currency, IEnumerable<PriceEntry> entries, string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        ArgumentNullException.ThrowIfNull(entries);
        Currency = currency;
        Source = source;
        Entries = [.. entries.OrderBy(e => e.Sku, StringComparer.Ordinal).ThenBy(e => e.EffectiveFrom)];
        _bySku = Entries.GroupBy(e => e.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>ISO 4217 code the prices (and every cost and budget amount) are in.</summary>
    public string Currency { get; }

    /// <summary>Where the prices came from, for messages: "built-in" or a file path (or both).</summary>
    public string Source { get; }

    public IReadOnlyList<PriceEntry> Entries { get; }

    public static PriceList Default { get; } = PriceListReader.Parse(DefaultPriceList.Json, "built-in price list");

    /// <summary>The entry of <paramref name="sku"/> in effect at <paramref name="at"/>, or null when none is.</summary>
    public PriceEntry? Find(string sku, DateTimeOffset at)
    {
        if (!_bySku.TryGetValue(sku, out var entries)) return null;
        PriceEntry? found = null;
        foreach (var entry in entries)
        {
            if (entry.EffectiveFrom > at) break;
            found = entry;
        }
        return found;
    }

    /// <summary>This list with every SKU that <paramref name="other"/> prices replaced by its entries. A list in
    /// another currency replaces this one whole, since prices in two currencies cannot be added up.</summary>
    public PriceList OverriddenBy(PriceList other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!string.Equals(other.Currency, Currency, StringComparison.OrdinalIgnoreCase)) return other;
        var replaced = other._bySku.Keys.ToHashSet(StringComparer.Ordinal);
        return new PriceList(Currency, Entries.Where(e => !replaced.Contains(e.Sku)).Concat(other.Entries), $"{Source} overridden by {other.Source}");
    }

    /// <summary>The built-in list, overridden by the file at <paramref name="overridePath"/> when given.</summary>
    /// <exception cref="PriceListException">The file is missing or invalid.</exception>
    public static PriceList Load(string? overridePath)
    {
        if (string.IsNullOrWhiteSpace(overridePath)) return Default;
        string text;
        try
        {
            text = File.ReadAllText(overridePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PriceListException($"{overridePath}: cannot read the price list ({e.Message}).", e);
        }
        return Default.OverriddenBy(PriceListReader.Parse(text, overridePath));
    }
}
