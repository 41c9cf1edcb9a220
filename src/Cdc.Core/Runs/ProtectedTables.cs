using System.Text.Json;
using Cdc.Core.Model;
using Cdc.Core.State;

namespace Cdc.Core.Runs;

/// <summary>
/// Which tables the source's last acknowledgement took care of (captured them, or held back for them), kept as the
/// source-wide gateway state. A table with a checkpoint that was not among them had changes released without being
/// staged (it left the pipeline's objects for a while), so it must be snapshotted again rather than resume.
/// </summary>
internal sealed class ProtectedTables(IGatewayStateStore states)
{
    private Versioned<string>? _read;

    private sealed record Document(string? Acknowledged, List<string> Tables);

    /// <summary>The tables of the last acknowledgement, or null before the first one.</summary>
    public async Task<IReadOnlySet<TableId>?> ReadAsync(CancellationToken cancellationToken)
    {
        _read = await states.ReadSourceAsync(cancellationToken);
        if (_read is null) return null;
        var document = JsonSerializer.Deserialize<Document>(_read.Value);
        return document?.Tables.Select(TableId.FromPathSegment).ToHashSet();
    }

    public async Task WriteAsync(string acknowledged, IEnumerable<TableId> tables, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(new Document(acknowledged, tables.Select(t => t.ToPathSegment()).Order(StringComparer.Ordinal).ToList()));
        var etag = await states.WriteSourceAsync(json, _read?.ETag, cancellationToken);
        _read = new Versioned<string>(json, etag);
    }
}
