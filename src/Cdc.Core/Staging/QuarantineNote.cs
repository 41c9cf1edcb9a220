using Cdc.Core.Model;

namespace Cdc.Core.Staging;

/// <summary>The JSON note written beside a quarantined file: what it was, why it was set aside, and when.</summary>
internal sealed record QuarantineNote(
    string Path,
    string? QuarantinedAt,
    TableId Table,
    long Sequence,
    string Reason,
    long ExpectedBytes,
    string ExpectedSha256,
    long? ActualBytes,
    string? ActualSha256,
    DateTimeOffset Time);
