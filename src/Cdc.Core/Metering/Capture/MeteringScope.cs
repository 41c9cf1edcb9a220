namespace Cdc.Core.Metering;

/// <summary>
/// The step the current asynchronous flow works for, so a staging request can be charged to the gateway or the
/// ingest step. The metered source sets it when the gateway starts (its first call) and the metered target when an
/// ingest flow starts; both set it synchronously so it holds for the rest of the calling step's flow.
/// </summary>
internal static class MeteringScope
{
    private static readonly AsyncLocal<UsageStep?> Current = new();

    public static UsageStep? Step => Current.Value;

    public static void Enter(UsageStep step) => Current.Value = step;
}
