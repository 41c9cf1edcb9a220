using Cdc.Core.Pipeline;

namespace Ingest.Benchmarks;

internal static class BenchPipeline
{
    public static PipelineDefinition Create(string source, string target, string staging, string name = "bench") => new()
    {
        Name = name,
        Source = new SourceDefinition { Kind = SourceKind.Postgres, Connection = source, Slot = "ingest_" + name, Publication = "ingest_" + name },
        Objects = [new ObjectDefinition { Schema = BenchTable.Schema, Table = BenchTable.Name }],
        Staging = new StagingDefinition { Location = staging },
        Destination = new DestinationDefinition { Kind = DestinationKind.Postgres, Connection = target, Schema = "ingest_bench" },
        Run = new RunSettings { Parallelism = 2, SnapshotChunkRows = 250_000, MaxBatchRows = 250_000 },
    };
}
