using System.Data.SqlTypes;
using System.Runtime.CompilerServices;
using Cdc.Core.Targets.SqlServer;

namespace Cdc.Core.Tests.Targets.SqlServer;

public sealed class StagedRowReaderTests
{
    private static readonly StagedField[] Fields =
    [
        new("c0", "bigint NULL", typeof(long)),
        new("c1", "nvarchar(max) NULL", typeof(string)),
        new("c2", "varbinary(max) NULL", typeof(byte[])),
        new("c3", "decimal(38,10) NULL", typeof(SqlDecimal)),
    ];

    [Fact]
    public async Task Reads_rows_as_sql_bulk_copy_does()
    {
        await using var reader = new StagedRowReader(Fields, Rows([1L, "héllo", new byte[] { 1, 2 }, new SqlDecimal(1.5m)], [2L, null, null, null]), CancellationToken.None);

        reader.FieldCount.Should().Be(4);
        reader.GetName(1).Should().Be("c1");
        reader.GetOrdinal("c3").Should().Be(3);
        reader.GetFieldType(3).Should().Be<SqlDecimal>();

        (await reader.ReadAsync()).Should().BeTrue();
        reader.GetInt64(0).Should().Be(1L);
        reader.IsDBNull(1).Should().BeFalse();
        (await reader.GetTextReader(1).ReadToEndAsync()).Should().Be("héllo");
        using (var stream = reader.GetStream(2))
        {
            var bytes = new byte[4];
            (await stream.ReadAsync(bytes)).Should().Be(2);
            bytes[..2].Should().Equal(1, 2);
        }
        reader.GetValue(3).Should().Be(new SqlDecimal(1.5m));

        (await reader.ReadAsync()).Should().BeTrue();
        reader.IsDBNull(1).Should().BeTrue();
        reader.GetValue(1).Should().Be(DBNull.Value);
        var values = new object[4];
        reader.GetValues(values).Should().Be(4);
        values.Should().Equal(2L, DBNull.Value, DBNull.Value, DBNull.Value);

        (await reader.ReadAsync()).Should().BeFalse();
        reader.RowsRead.Should().Be(2);
        reader.Failure.Should().BeNull();
    }

    [Fact]
    public async Task Keeps_the_exception_the_rows_threw()
    {
        await using var reader = new StagedRowReader(Fields, Failing(), CancellationToken.None);

        (await reader.ReadAsync()).Should().BeTrue();
        var act = () => reader.ReadAsync();

        await act.Should().ThrowAsync<IOException>().WithMessage("staged file unreadable");
        reader.Failure.Should().BeOfType<IOException>();
    }

    [Fact]
    public async Task A_row_of_the_wrong_width_is_refused()
    {
        await using var reader = new StagedRowReader(Fields, Rows([1L]), CancellationToken.None);

        var act = () => reader.ReadAsync();

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("A staged row has 1 values for 4 fields.");
    }

    [Fact]
    public async Task Typed_getters_refuse_other_types_and_reading_before_a_row()
    {
        await using var reader = new StagedRowReader(Fields, Rows([1L, "x", null, null]), CancellationToken.None);

        var early = () => reader.GetValue(0);
        early.Should().Throw<InvalidOperationException>().WithMessage("*call ReadAsync first*");
        await reader.ReadAsync();
        var wrong = () => reader.GetString(0);
        wrong.Should().Throw<InvalidCastException>().WithMessage("Field 'c0' holds Int64, not String.");
        var missing = () => reader.GetOrdinal("nope");
        missing.Should().Throw<ArgumentException>();
    }

    private static async IAsyncEnumerable<object?[]> Rows(params object?[][] rows)
    {
        foreach (var row in rows)
        {
            await Task.Yield();
            yield return row;
        }
    }

    private static async IAsyncEnumerable<object?[]> Failing([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return [1L, "x", null, null];
        await Task.Delay(1, cancellationToken);
        throw new IOException("staged file unreadable");
    }
}
