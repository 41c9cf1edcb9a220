using Cdc.Core.Model;

namespace Cdc.Core.Orchestration;

/// <summary>A staged batch became visible: the commit record of batch <paramref name="Sequence"/> of
/// <paramref name="Table"/> in <paramref name="Pipeline"/>'s staging area was written.</summary>
/// <param name="Table"><c>schema.table</c> in the form <see cref="TableId.Parse"/> reads back (<see cref="TableText(TableId)"/>).</param>
public sealed record BlobArrival(string Pipeline, string Table, long Sequence)
{
    public TableId TableId => TableId.Parse(Table);

    /// <summary><c>schema.table</c> as orchestration inputs carry it (<see cref="Orchestration.TableText.Format"/>):
    /// a part is quoted only when <see cref="TableId.Parse"/> would misread it plain, e.g. <c>sales."Order.Lines"</c>.</summary>
    public static string TableText(TableId table) => Orchestration.TableText.Format(table);
}
