using Npgsql;

namespace Ingest.Benchmarks;

/// <summary>The benchmark table: about 200 bytes a row of mixed types, generated server-side so setup is fast.</summary>
internal static class BenchTable
{
    public const string Schema = "bench";
    public const string Name = "events";

    public const string Columns = """
        id bigint PRIMARY KEY,
        account_id integer NOT NULL,
        amount numeric(18,4) NOT NULL,
        ratio double precision,
        active boolean NOT NULL,
        ref uuid NOT NULL,
        event_date date NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamp,
        category varchar(32) NOT NULL,
        description text
        """;

    /// <summary>Rows with ids in [from, to], as a SELECT list over generate_series(from, to) g.</summary>
    public static string Generated(long from, long to, int version = 0) => $"""
        SELECT g, ((g * 7919) % 100000)::int, round(((g % 100003) * 1.2345 + {version})::numeric, 4), (g % 1000) / 7.0,
               g % 2 = 0, md5(g::text || '{version}')::uuid, date '2020-01-01' + (g % 2000)::int,
               timestamptz '2024-01-01 00:00:00+00' + (g || ' seconds')::interval + ({version} || ' microseconds')::interval,
               CASE WHEN g % 10 = 0 THEN NULL ELSE timestamp '2024-06-01' + (g || ' milliseconds')::interval END,
               'category_' || (g % 50), md5(g::text) || ' ' || md5((g + {version})::text) || ' ' || md5((g * 3)::text)
        FROM generate_series({from}::bigint, {to}::bigint) g
        """;

    public static async Task CreateAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connectionString, $"CREATE SCHEMA IF NOT EXISTS {schema}; CREATE TABLE {schema}.{Name} ({Columns})", cancellationToken);
    }

    public static async Task FillAsync(string connectionString, long rows, CancellationToken cancellationToken)
    {
        const long step = 500_000;
        for (long from = 1; from <= rows; from += step)
            await ExecuteAsync(connectionString, $"INSERT INTO {Schema}.{Name} {Generated(from, Math.Min(rows, from + step - 1))}", cancellationToken);
        await ExecuteAsync(connectionString, $"VACUUM ANALYZE {Schema}.{Name}", cancellationToken);
    }

    public static async Task<double> AverageRowBytesAsync(string connectionString, CancellationToken cancellationToken) =>
        Convert.ToDouble(await ScalarAsync(connectionString, $"SELECT avg(pg_column_size(t.*)) FROM (SELECT * FROM {Schema}.{Name} LIMIT 100000) t", cancellationToken),
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An order-independent fingerprint of a table's content, to check two copies are equal.</summary>
    public static async Task<string> FingerprintAsync(string connectionString, string schema, CancellationToken cancellationToken) =>
        (string)(await ScalarAsync(connectionString,
            $"SELECT count(*)::text || ':' || md5(string_agg(md5(t::text), '' ORDER BY t.id)) FROM (SELECT id, account_id, amount, ratio, active, ref, event_date, created_at, updated_at, category, description FROM {schema}.{Name}) t",
            cancellationToken) ?? "");

    public static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
