using Cdc.Core.Pipeline;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>Settings of a SQL Server source.</summary>
/// <param name="CaptureMode">How tables are captured unless their selection entry says otherwise.</param>
/// <param name="ManageCaptureInstances">CDC: create a new capture instance when a table's columns change, switch to
/// it, and drop the old one once it is read to the end.</param>
public sealed record SqlServerSourceOptions(CaptureMode CaptureMode = CaptureMode.Auto, bool ManageCaptureInstances = false);
