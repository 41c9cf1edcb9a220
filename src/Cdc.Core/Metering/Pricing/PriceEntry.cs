namespace Cdc.Core.Metering;

/// <summary>One price of a SKU from <see cref="EffectiveFrom"/> on (until the SKU's next entry):
/// <see cref="Price"/> per <see cref="Per"/> units, e.g. 0.40 per 1,000,000 executions.</summary>
public sealed record PriceEntry(string Sku, string Unit, decimal Price, decimal Per, DateTimeOffset EffectiveFrom, string? Description = null)
{
    public decimal Cost(decimal quantity) => quantity * Price / Per;
}
