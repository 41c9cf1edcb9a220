namespace Ingest.Cli;

/// <summary>Process exit codes; scripts and schedulers branch on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The run finished but at least one table failed (partially failed or failed).</summary>
    public const int RunFailed = 1;

    /// <summary>The pipeline file or a command-line argument is invalid.</summary>
    public const int InvalidInput = 2;

    /// <summary>Another run of the same pipeline holds its lease.</summary>
    public const int PipelineBusy = 3;

    /// <summary>An enforced budget that covers the pipeline is spent for the current period.</summary>
    public const int BudgetExceeded = 5;

    /// <summary>A server could not be reached or an unexpected error stopped the command.</summary>
    public const int Error = 4;

    /// <summary>Stopped by Ctrl+C.</summary>
    public const int Cancelled = 130;
}
