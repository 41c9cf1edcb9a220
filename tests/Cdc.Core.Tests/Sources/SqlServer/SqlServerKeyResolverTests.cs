using Cdc.Core.Model;
using Cdc.Core.Pipeline;
using Cdc.Core.Sources;
using Cdc.Core.Sources.SqlServer;
using static Cdc.Core.Tests.Sources.SqlServer.SqlServerTestSupport;

namespace Cdc.Core.Tests.Sources.SqlServer;

public sealed class SqlServerKeyResolverTests
{
    private static readonly TableId Table = new("dbo", "t");

    private static readonly ColumnSchema[] Columns =
    [
        Column("region", "nvarchar", 20, nullable: false),
        Column("id", "int", 4, 10, nullable: false),
        Column("note", "xml", -1),
        Column("amount", "decimal", 9, 18, 2),
    ];

    private static IReadOnlyList<string> Resolve(IReadOnlyList<string> primaryKey, IReadOnlyList<string>? declared, CaptureMode mode, IReadOnlyList<ColumnSchema>? columns = null) =>
        SqlServerKeyResolver.Resolve(Table, columns ?? Columns, primaryKey, declared, mode);

    [Fact]
    public void The_primary_key_is_the_key_in_its_own_order() =>
        Resolve(["region", "id"], null, CaptureMode.ChangeTracking).Should().Equal("region", "id");

    [Fact]
    public void Declared_keys_override_the_primary_key_for_cdc() =>
        Resolve(["region", "id"], ["amount"], CaptureMode.Cdc).Should().Equal("amount");

    [Fact]
    public void Change_tracking_accepts_declared_keys_only_when_they_are_the_primary_key()
    {
        Resolve(["region", "id"], ["id", "region"], CaptureMode.ChangeTracking).Should().Equal("id", "region");
        FluentActions.Invoking(() => Resolve(["region", "id"], ["id"], CaptureMode.ChangeTracking)).Should().Throw<SourceException>()
            .WithMessage("Table dbo.t declares keys (\"id\"), but change tracking records only the primary key (\"region\", \"id\")*capture_mode: cdc*");
    }

    [Fact]
    public void A_keyless_cdc_table_is_keyed_by_all_its_columns_when_they_can_order_a_snapshot()
    {
        var orderable = Columns.Where(c => c.Name != "note").ToList();
        Resolve([], null, CaptureMode.Cdc, orderable).Should().Equal("region", "id", "amount");
        FluentActions.Invoking(() => Resolve([], null, CaptureMode.Cdc)).Should().Throw<SourceException>()
            .WithMessage("Table dbo.t would be keyed by (\"note (xml)\")*`keys:`*");
    }

    [Fact]
    public void Unknown_and_repeated_declared_keys_are_refused()
    {
        FluentActions.Invoking(() => Resolve(["id"], ["ID"], CaptureMode.Cdc)).Should().Throw<SourceException>()
            .WithMessage("Declared key column (\"ID\") of table dbo.t does not exist (names are matched exactly). Its columns are (\"region\", \"id\", \"note\", \"amount\").");
        FluentActions.Invoking(() => Resolve(["id"], ["id", "id"], CaptureMode.Cdc)).Should().Throw<SourceException>().WithMessage("*name (\"id\") more than once*");
    }
}
