using System.Numerics;
using System.Text;
using Cdc.Core.Model;

namespace Cdc.Core.Metering;

/// <summary>An estimate of a row's uncompressed size: the bytes its values take in their natural binary form
/// (text as UTF-8). Sources do not report wire bytes, so this stands in for "bytes read".</summary>
internal static class RowSize
{
    public static long Estimate(object?[] values)
    {
        long total = 0;
        foreach (var value in values) total += Of(value);
        return total;
    }

    private static long Of(object? value) => value switch
    {
        null => 0,
        string text => Encoding.UTF8.GetByteCount(text),
        byte[] bytes => bytes.Length,
        bool => 1,
        short => 2,
        int or float or DateOnly => 4,
        long or double or DateTime or TimeOnly or TimeSpan => 8,
        DateTimeOffset => 10,
        Guid or decimal => 16,
        Numeric number => number.Unscaled.GetByteCount() + 2,
        BigInteger big => big.GetByteCount(),
        Unchanged => 0,
        _ => Encoding.UTF8.GetByteCount(value.ToString() ?? ""),
    };
}
