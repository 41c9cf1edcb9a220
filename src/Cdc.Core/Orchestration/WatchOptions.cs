namespace Cdc.Core.Orchestration;

/// <summary>Settings of <see cref="WatchLoop"/>.</summary>
public sealed record WatchOptions
{
    public const int MinimumPollSeconds = 1;
    public const int MaximumPollSeconds = 3600;

    /// <summary>How often staging areas are checked for new batches. Schedules fire on time whatever this is.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);
}
