using System.Data;
using Cdc.Core.Model;
using Cdc.Core.Sources.SqlServer;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerTestSupport;

namespace Cdc.Core.Tests.Sources.SqlServer;

public sealed class SqlServerKeyParametersTests
{
    public static TheoryData<ColumnSchema, object, SqlDbType, int?, byte, object> Keys() => new()
    {
        // column, logical key value, parameter type, size (null: a fixed-size type), scale, value handed to SqlClient
        { Column("c", "bit", 1, 1), true, SqlDbType.Bit, null, 0, true },
        { Column("c", "tinyint", 1, 3), (short)200, SqlDbType.TinyInt, null, 0, (byte)200 },
        { Column("c", "smallint", 2, 5), (short)-2, SqlDbType.SmallInt, null, 0, (short)-2 },
        { Column("c", "bigint", 8, 19), 5L, SqlDbType.BigInt, null, 0, 5L },
        { Column("c", "money", 8, 19, 4), new Numeric(12345, 4), SqlDbType.Money, null, 0, 1.2345m },
        { Column("c", "float", 8, 53), 0.5, SqlDbType.Float, null, 0, 0.5 },
        { Column("c", "real", 4, 24), 0.5f, SqlDbType.Real, null, 0, 0.5f },
        { Column("c", "date", 3, 10), new DateOnly(2024, 2, 29), SqlDbType.Date, null, 0, new DateTime(2024, 2, 29) },
        { Column("c", "time", 4, 12, 3), new TimeOnly(1, 2, 3, 4), SqlDbType.Time, null, 3, new TimeSpan(0, 1, 2, 3, 4) },
        { Column("c", "datetime", 8, 23, 3), new DateTime(2000, 1, 1), SqlDbType.DateTime, null, 0, new DateTime(2000, 1, 1) },
        { Column("c", "smalldatetime", 4, 16), new DateTime(2000, 1, 1), SqlDbType.SmallDateTime, null, 0, new DateTime(2000, 1, 1) },
        { Column("c", "datetimeoffset", 10, 34, 7), new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.FromHours(5)), SqlDbType.DateTimeOffset, null, 7, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.FromHours(5)) },
        { Column("c", "char", 3), "abc", SqlDbType.Char, 3, 0, "abc" },
        { Column("c", "nvarchar", 8000), "ü", SqlDbType.NVarChar, 4000, 0, "ü" },
        { Column("c", "varchar", -1), "long", SqlDbType.VarChar, -1, 0, "long" },
        { Column("c", "binary", 4), new byte[] { 1, 2, 3, 4 }, SqlDbType.Binary, 4, 0, new byte[] { 1, 2, 3, 4 } },
        { Column("c", "varbinary", 16), new byte[] { 1 }, SqlDbType.VarBinary, 16, 0, new byte[] { 1 } },
        { Column("c", "timestamp", 8), new byte[8], SqlDbType.Binary, 8, 0, new byte[8] },
        { Column("c", "uniqueidentifier", 16), Guid.Empty, SqlDbType.UniqueIdentifier, null, 0, Guid.Empty },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Key_parameters_are_typed_exactly_like_their_columns(ColumnSchema column, object key, SqlDbType type, int? size, byte scale, object value)
    {
        var (parameter, expression) = SqlServerKeyParameters.Create("@k0", column, key);
        expression.Should().Be("@k0");
        parameter.SqlDbType.Should().Be(type);
        if (size is not null) parameter.Size.Should().Be(size);
        parameter.Scale.Should().Be(scale);
        parameter.Value.Should().BeEquivalentTo(value);
    }

    [Theory]
    [InlineData("xml")]
    [InlineData("geography")]
    [InlineData("geometry")]
    [InlineData("sql_variant")]
    [InlineData("text")]
    [InlineData("image")]
    public void Types_that_cannot_order_a_snapshot_cannot_be_keys(string type) =>
        SqlServerKeyParameters.CanBeKey(Column("c", type, -1)).Should().BeFalse();

    [Fact]
    public void A_value_of_the_wrong_type_is_refused_naming_the_column() =>
        FluentActions.Invoking(() => SqlServerKeyParameters.Create("@k0", Column("qty", "int", 4, 10), "12"))
            .Should().Throw<ArgumentException>().WithMessage("Key column \"qty\" (int) was given a String value.");
}
