using Cdc.Core.Model;

namespace Cdc.Core.Sources;

public static class SourceConnectorExtensions
{
    /// <summary>Prepares capture of tables that have no saved position yet (nothing to check for retention gaps).</summary>
    public static Task<IReadOnlyDictionary<TableId, string>> PrepareAsync(this ISourceConnector source, IReadOnlyList<TableSchema> tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(tables);
        return source.PrepareAsync(tables.Select(t => new CaptureTable(t, null)).ToList(), cancellationToken);
    }
}
