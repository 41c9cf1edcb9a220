using Cdc.Core.Model;
using Cdc.Core.Staging;
using Cdc.Core.Staging.Format;

namespace Cdc.Core.Tests.Staging;

public sealed class StagedFileCodecTests
{
    private static List<ChangeRow> RoundTrip(TableSchema schema, IReadOnlyList<ChangeRow> rows, StagedFileCompression compression = StagedFileCompression.Zlib)
    {
        using var writer = new StagedFileWriter(schema, compression, 1);
        writer.Begin(BatchKind.Changes, 3, 0, 2);
        for (var i = 0; i < rows.Count; i++) writer.Write(rows[i], i + 1);
        var content = writer.Finish();
        using var reader = StagedFileReader.Open(content.Bytes.ToArray());
        reader.Header.RowCount.Should().Be(rows.Count);
        reader.Header.Sequence.Should().Be(3);
        reader.Header.SnapshotGeneration.Should().Be(2);
        reader.Header.Schema.Should().Be(schema);
        var read = new List<ChangeRow>();
        while (reader.TryRead(out var row)) read.Add(row);
        return read;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Edge_values_round_trip_with_either_compression(byte compression)
    {
        var rows = EdgeValues.Rows();
        StagedAssert.SameRows(rows, RoundTrip(EdgeValues.Schema, rows, (StagedFileCompression)compression));
    }

    [Fact]
    public void Rows_larger_than_a_chunk_and_many_small_rows_round_trip()
    {
        var schema = new TableSchema(new TableId("s", "t"), [new ColumnSchema("id", LogicalType.Int32, false), new ColumnSchema("blob", LogicalType.Binary)], ["id"]);
        var huge = Enumerable.Range(0, 1_000_000).Select(i => (byte)(i % 251)).ToArray();
        var rows = Enumerable.Range(0, 20_000)
            .Select(i => new ChangeRow(ChangeKind.Insert, [i, i % 5000 == 0 ? huge : new byte[i % 300]], DateTimeOffset.UnixEpoch.AddSeconds(i / 7)))
            .ToList();
        StagedAssert.SameRows(rows, RoundTrip(schema, rows));
    }

    [Fact]
    public void The_file_starts_with_its_signature_and_ends_with_a_checksum_of_the_rest()
    {
        using var writer = new StagedFileWriter(EdgeValues.Schema);
        writer.Begin(BatchKind.SnapshotChunk, 1, 0, 1);
        writer.Write(EdgeValues.Rows()[0], 1);
        var bytes = writer.Finish().Bytes.ToArray();

        bytes[..8].Should().Equal(0x89, (byte)'C', (byte)'D', (byte)'C', (byte)'S', (byte)'T', (byte)'G', 0x0A);
        BitConverter.ToUInt16(bytes, 8).Should().Be(1);
        bytes[^32..].Should().Equal(System.Security.Cryptography.SHA256.HashData(bytes[..^32]));
    }

    [Fact]
    public void Damaged_files_fail_to_open_with_a_reason()
    {
        using var writer = new StagedFileWriter(EdgeValues.Schema);
        writer.Begin(BatchKind.SnapshotChunk, 1, 0, 1);
        foreach (var row in EdgeValues.Rows()) writer.Write(row, 1);
        var bytes = writer.Finish().Bytes.ToArray();

        var flipped = (byte[])bytes.Clone();
        flipped[100] ^= 0x10;
        var open = () => StagedFileReader.Open(flipped);
        open.Should().Throw<StagedFileFormatException>().WithMessage("*checksum*");

        var truncated = () => StagedFileReader.Open(bytes.AsMemory(0, bytes.Length - 1));
        truncated.Should().Throw<StagedFileFormatException>();

        var notStaged = () => StagedFileReader.Open(new byte[100]);
        notStaged.Should().Throw<StagedFileFormatException>().WithMessage("*signature*");
    }
}
