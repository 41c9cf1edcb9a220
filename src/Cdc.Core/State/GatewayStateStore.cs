using System.Text;
using System.Text.Json;
using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Json;

namespace Cdc.Core.State;

/// <summary>
/// Gateway checkpoints as JSON documents in the staging store: <c>state/tables/&lt;table segment&gt;.json</c> per table
/// and <c>state/source.json</c> for the source. Every write is conditional on the ETag the caller read (or on the
/// document not existing yet), so of two writers working from the same read only the first succeeds.
/// </summary>
public sealed class GatewayStateStore : IGatewayStateStore
{
    public const string SourcePath = "state/source.json";

    private readonly IStagingStore _store;

    public GatewayStateStore(IStagingStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    public static string TablePath(TableId table) => TableStateFolder + table.ToPathSegment() + TableStateSuffix;

    /// <summary>The folder of the per-table state files, ending in '/'.</summary>
    public const string TableStateFolder = "state/tables/";

    public const string TableStateSuffix = ".json";

    /// <summary>The table a path made by <see cref="TablePath"/> is the state of; false for any other path.</summary>
    public static bool TryParseTablePath(string path, out TableId table)
    {
        table = default;
        if (path is null || !path.StartsWith(TableStateFolder, StringComparison.Ordinal) || !path.EndsWith(TableStateSuffix, StringComparison.Ordinal)) return false;
        var segment = path[TableStateFolder.Length..^TableStateSuffix.Length];
        if (segment.Length == 0 || segment.Contains('/', StringComparison.Ordinal)) return false;
        try
        {
            table = TableId.FromPathSegment(segment);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public async Task<Versioned<TableGatewayState>?> ReadTableAsync(TableId table, CancellationToken cancellationToken)
    {
        var path = TablePath(table);
        var stored = await _store.ReadAsync(path, cancellationToken);
        if (stored is null) return null;
        TableGatewayState state;
        try
        {
            state = JsonSerializer.Deserialize(stored.Content.Span, StagingJsonContext.Default.TableGatewayState)
                ?? throw new JsonException("The document is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Gateway state '{path}' in {_store.Description} is not valid: {e.Message}", e);
        }
        if (state.Table != table)
            throw new InvalidDataException($"Gateway state '{path}' in {_store.Description} belongs to {state.Table}, not {table}.");
        return new Versioned<TableGatewayState>(state, stored.ETag);
    }

    public Task<string> WriteTableAsync(TableGatewayState state, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var json = JsonSerializer.SerializeToUtf8Bytes(state, StagingJsonContext.Default.TableGatewayState);
        return _store.WriteAsync(TablePath(state.Table), json, WriteCondition.Replacing(expectedETag), cancellationToken);
    }

    public async Task<Versioned<string>?> ReadSourceAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ReadAsync(SourcePath, cancellationToken);
        return stored is null ? null : new Versioned<string>(Encoding.UTF8.GetString(stored.Content.Span), stored.ETag);
    }

    public Task<string> WriteSourceAsync(string json, string? expectedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Source state must be a JSON document: {e.Message}", nameof(json), e);
        }
        return _store.WriteAsync(SourcePath, Encoding.UTF8.GetBytes(json), WriteCondition.Replacing(expectedETag), cancellationToken);
    }
}
