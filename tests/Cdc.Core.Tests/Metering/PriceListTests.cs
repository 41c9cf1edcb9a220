using Cdc.Core.Metering;
using Cdc.Core.Tests.Pipeline;

namespace Cdc.Core.Tests.Metering;

public sealed class PriceListTests
{
    private static readonly DateTimeOffset June1 = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_built_in_list_prices_every_sku_in_usd()
    {
        var prices = PriceList.Default;

        prices.Currency.Should().Be("USD");
        Skus.All.Should().OnlyContain(sku => prices.Find(sku, June1) != null);
        prices.Find(Skus.FunctionsExecutionTime, June1)!.Price.Should().Be(0.000026m);
        prices.Find(Skus.FunctionsExecutions, June1)!.Per.Should().Be(1_000_000m);
    }

    [Fact]
    public void The_sample_price_list_parses_and_overrides_the_built_in_one()
    {
        var path = Path.Combine(PipelineTestFiles.RepositoryRoot(), "samples", "price-list.json");

        var prices = PriceList.Load(path);

        Skus.All.Should().OnlyContain(sku => prices.Find(sku, June1) != null);
        prices.Source.Should().Contain("price-list.json");
    }

    [Fact]
    public void The_price_in_effect_is_the_latest_one_at_or_before_the_time()
    {
        var prices = PriceListReader.Parse("""
            { "currency": "USD", "prices": [
              { "sku": "x", "unit": "op", "price": 2, "effective_from": "2025-06-15" },
              { "sku": "x", "unit": "op", "price": 1, "per": 10, "effective_from": "2025-01-01" },
              { "sku": "x", "unit": "op", "price": 3, "effective_from": "2025-07-01T12:00:00+02:00" } ] }
            """, "test.json");

        prices.Find("x", new DateTimeOffset(2024, 12, 31, 23, 59, 59, TimeSpan.Zero)).Should().BeNull();
        prices.Find("x", June1)!.Cost(100).Should().Be(10m);
        prices.Find("x", June1.AddDays(14))!.Price.Should().Be(2m);
        prices.Find("x", new DateTimeOffset(2025, 7, 1, 9, 59, 0, TimeSpan.Zero))!.Price.Should().Be(2m);
        prices.Find("x", new DateTimeOffset(2025, 7, 1, 10, 0, 0, TimeSpan.Zero))!.Price.Should().Be(3m);
        prices.Find("y", June1).Should().BeNull();
    }

    [Fact]
    public void An_override_replaces_only_the_skus_it_lists_unless_its_currency_differs()
    {
        var custom = PriceListReader.Parse("""
            { "currency": "USD", "prices": [ { "sku": "storage.blob.hot.write_operations", "unit": "operation", "price": 0.1, "per": 10000, "effective_from": "2020-01-01" } ] }
            """, "custom.json");
        var euros = PriceListReader.Parse("""{ "currency": "EUR", "prices": [] }""", "eur.json");

        var merged = PriceList.Default.OverriddenBy(custom);

        merged.Find(Skus.StorageWriteOperations, June1)!.Price.Should().Be(0.1m);
        merged.Entries.Count(e => e.Sku == Skus.StorageWriteOperations).Should().Be(1);
        merged.Find(Skus.FunctionsExecutionTime, June1)!.Price.Should().Be(0.000026m);
        PriceList.Default.OverriddenBy(euros).Entries.Should().BeEmpty();
    }

    [Theory]
    [InlineData("""{ "prices": [] }""", "test.json: currency: is required")]
    [InlineData("""{ "currency": "usd", "prices": [] }""", "test.json: currency: 'usd' is not a three-letter ISO code")]
    [InlineData("""{ "currency": "USD", "prices": [ { "sku": "x", "unit": "op", "price": -1, "effective_from": "2025-01-01" } ] }""", "test.json: prices[0].price: must not be negative")]
    [InlineData("""{ "currency": "USD", "prices": [ { "sku": "x", "unit": "op", "price": 1, "per": 0, "effective_from": "2025-01-01" } ] }""", "test.json: prices[0].per: must be positive")]
    [InlineData("""{ "currency": "USD", "prices": [ { "sku": "x", "unit": "op", "price": 1, "effective_from": "June" } ] }""", "test.json: prices[0].effective_from: 'June' is not a date")]
    [InlineData("""{ "currency": "USD", "prices": [ { "sku": "x", "unit": "op", "price": 1, "effective_from": "2025-01-01" }, { "sku": "x", "unit": "op", "price": 2, "effective_from": "2025-01-01" } ] }""", "test.json: prices[1]: SKU 'x' already has a price")]
    [InlineData("""{ "currency": "USD", "prices": [ }""", "test.json: not valid JSON")]
    public void A_bad_price_list_names_the_file_and_field(string json, string message)
    {
        var act = () => PriceListReader.Parse(json, "test.json");

        act.Should().Throw<PriceListException>().Which.Message.Should().StartWith(message);
    }
}
