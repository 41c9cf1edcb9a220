using Npgsql;
using NpgsqlTypes;

namespace Cdc.Core.Sources.Postgres;

/// <summary>Parameters of catalog queries whose CLR types Npgsql does not map on its own.</summary>
internal static class PgParameters
{
    public static NpgsqlParameter Oid(uint oid) => new() { Value = oid, NpgsqlDbType = NpgsqlDbType.Oid };

    public static NpgsqlParameter Lsn(NpgsqlLogSequenceNumber lsn) => new() { Value = lsn, NpgsqlDbType = NpgsqlDbType.PgLsn };

    public static NpgsqlParameter Oids(uint[] oids) => new() { Value = oids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Oid };
}
