namespace Cdc.Core.Orchestration;

/// <summary>A step failed for a table (or, in change capture, for the tables it reads): the activity fails with the
/// step's message (<c>gateway: ...</c>, <c>ingest into schema.table: ...</c>), so the orchestration retries it and
/// then records that message for the table.</summary>
public sealed class StepFailedException(string message) : Exception(message)
{
}
