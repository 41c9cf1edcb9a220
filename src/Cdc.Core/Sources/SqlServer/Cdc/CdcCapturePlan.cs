using Cdc.Core.Model;

namespace Cdc.Core.Sources.SqlServer.Cdc;

/// <summary>A capture instance with its low endpoint as the server reports it now (<c>sys.fn_cdc_get_min_lsn</c>).</summary>
/// <param name="Min">Null (or zero) while CDC has not started the instance.</param>
internal sealed record CdcInstanceState(CdcCaptureInstance Instance, SqlLsn? Min)
{
    public bool IsReady => Min is { IsZero: false };
}

/// <summary>Changes of one capture instance with <c>__$start_lsn</c> in [<see cref="From"/>, <see cref="To"/>].</summary>
internal sealed record CdcWindow(CdcCaptureInstance Instance, SqlLsn From, SqlLsn To);

/// <summary>The first change still needed lies below what the capture instance keeps: cleanup removed it.</summary>
internal sealed record CdcRetentionGap(CdcCaptureInstance Instance, SqlLsn FirstNeeded, SqlLsn Min)
{
    public string Describe(TableId table) =>
        $"changes of {table} from {FirstNeeded} on are needed, but capture instance {Instance.Name} keeps changes only from {Min} on: "
        + "CDC cleanup removed older ones (raise the cleanup job's @retention, or run the pipeline more often)";
}

/// <summary>Something to change about a table's capture instances.</summary>
internal abstract record CdcInstanceAction;

/// <summary>Create a capture instance over the table's current columns, with the settings of <paramref name="Template"/>.</summary>
internal sealed record CreateCaptureInstance(CdcCaptureInstance Template, string Name) : CdcInstanceAction;

/// <summary>Drop an instance every change of which the table no longer needs: its position reached <paramref name="SwitchedAt"/>,
/// the newer instance's start.</summary>
internal sealed record DropCaptureInstance(CdcCaptureInstance Instance, SqlLsn SwitchedAt) : CdcInstanceAction;

/// <summary>The columns changed again while two instances exist; a third cannot be created until the older one goes.</summary>
internal sealed record CaptureInstanceCreationWaits(CdcCaptureInstance Newest, string Reason) : CdcInstanceAction;

/// <summary>What to read for a table and what to change about its capture instances.</summary>
internal sealed record CdcCapturePlan(IReadOnlyList<CdcWindow> Windows, CdcRetentionGap? Gap, IReadOnlyList<CdcInstanceAction> Actions);
