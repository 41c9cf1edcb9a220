using NpgsqlTypes;

namespace Cdc.Core.Sources.Postgres;

/// <summary>Positions of the PostgreSQL source are WAL locations (LSNs) written as PostgreSQL does: <c>16/B374D848</c>.</summary>
internal static class PgLsn
{
    public static NpgsqlLogSequenceNumber Parse(string position)
    {
        ArgumentNullException.ThrowIfNull(position);
        return NpgsqlLogSequenceNumber.TryParse(position, out var lsn)
            ? lsn
            : throw new FormatException($"'{position}' is not a PostgreSQL WAL position (expected the form 16/B374D848).");
    }

    public static string Format(NpgsqlLogSequenceNumber lsn) => lsn.ToString();

    public static int Compare(string left, string right) => Parse(left).CompareTo(Parse(right));
}
