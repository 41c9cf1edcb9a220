using System.Collections.Concurrent;
using Npgsql;

namespace Cdc.Core.Sources.Postgres;

/// <summary>Reads <see cref="PgTypeFacts"/> from pg_type by oid, following domains to their base types, and keeps
/// them: a type's oid never names a different type while the type exists.</summary>
internal sealed class PgTypeCatalog(NpgsqlDataSource dataSource)
{
    private const string TypesSql = """
        SELECT t.oid, t.typname, n.nspname, t.typtype, t.typcategory, t.typbasetype, t.typtypmod
        FROM pg_catalog.pg_type t
        JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE t.oid = ANY($1)
        """;

    private readonly ConcurrentDictionary<uint, PgTypeFacts> _known = new();

    public async Task<IReadOnlyDictionary<uint, PgTypeFacts>> GetAsync(IEnumerable<uint> oids, CancellationToken cancellationToken)
    {
        var wanted = oids.Distinct().ToList();
        var rows = new Dictionary<uint, TypeRow>();
        var missing = wanted.Where(oid => !_known.ContainsKey(oid)).ToArray();
        if (missing.Length > 0)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            while (missing.Length > 0)
            {
                await using var command = new NpgsqlCommand(TypesSql, connection);
                command.Parameters.Add(PgParameters.Oids(missing));
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        var row = new TypeRow(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2), reader.GetChar(3),
                            reader.GetChar(4), reader.GetFieldValue<uint>(5), reader.GetInt32(6));
                        rows[row.Oid] = row;
                    }
                }
                foreach (var oid in missing)
                    if (!rows.ContainsKey(oid)) throw new SourceException($"Type oid {oid} was not found in pg_type; it was probably dropped while being read.");
                missing = rows.Values.Where(r => r.Kind == 'd' && !rows.ContainsKey(r.BaseOid) && !_known.ContainsKey(r.BaseOid))
                    .Select(r => r.BaseOid).Distinct().ToArray();
            }
        }

        var result = new Dictionary<uint, PgTypeFacts>();
        foreach (var oid in wanted) result[oid] = Build(oid, rows);
        return result;
    }

    private PgTypeFacts Build(uint oid, Dictionary<uint, TypeRow> rows)
    {
        if (_known.TryGetValue(oid, out var known)) return known;
        var row = rows[oid];
        var facts = new PgTypeFacts(row.Oid, row.Name, row.Schema, row.Kind, row.Category,
            row.Kind == 'd' ? Build(row.BaseOid, rows) : null, row.Kind == 'd' ? row.DomainTypmod : -1);
        return _known.GetOrAdd(oid, facts);
    }

    private sealed record TypeRow(uint Oid, string Name, string Schema, char Kind, char Category, uint BaseOid, int DomainTypmod);
}
