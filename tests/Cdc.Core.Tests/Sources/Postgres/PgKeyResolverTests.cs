using Cdc.Core.Model;
using Cdc.Core.Sources;
using Cdc.Core.Sources.Postgres;

namespace Cdc.Core.Tests.Sources.Postgres;

public sealed class PgKeyResolverTests
{
    private static readonly TableId Table = new("app", "orders");
    private const string Quoted = "\"app\".\"orders\"";
    private static readonly ColumnSchema[] Columns =
    [
        new("id", LogicalType.Int32, false), new("code", LogicalType.String), new("doc", LogicalType.Json),
    ];

    private static PgReplicaIdentity Default(params string[] pk) => new(pk.ToHashSet(), null, false, [], "REPLICA IDENTITY DEFAULT");

    private static PgReplicaIdentity Full() => new(Columns.Select(c => c.Name).ToHashSet(), null, true, [], "REPLICA IDENTITY FULL");

    private static IReadOnlyList<string> Resolve(IReadOnlyList<string> pk, PgReplicaIdentity identity, IReadOnlyList<string>? declared = null, bool jsonOrderable = false) =>
        PgKeyResolver.Resolve(Table, Quoted, Columns, pk, identity, declared, name => name != "doc" || jsonOrderable);

    [Fact]
    public void Primary_key_is_the_key_by_default() => Resolve(["id"], Default("id")).Should().Equal("id");

    [Fact]
    public void Declared_key_other_than_the_primary_key_needs_full_identity()
    {
        FluentActions.Invoking(() => Resolve(["id"], Default("id"), ["code"])).Should().Throw<SourceException>()
            .WithMessage($"*ALTER TABLE {Quoted} REPLICA IDENTITY FULL*");
        Resolve(["id"], Full(), ["code"]).Should().Equal("code");
    }

    [Fact]
    public void Declared_keys_must_exist_and_not_repeat()
    {
        FluentActions.Invoking(() => Resolve([], Full(), ["Code"])).Should().Throw<SourceException>().WithMessage("*\"Code\"*matched exactly*");
        FluentActions.Invoking(() => Resolve([], Full(), ["code", "code"])).Should().Throw<SourceException>().WithMessage("*more than once*");
    }

    [Fact]
    public void Identity_index_columns_key_a_table_without_primary_key()
    {
        var identity = new PgReplicaIdentity(new HashSet<string> { "code" }, ["code"], false, [], "REPLICA IDENTITY USING INDEX");
        Resolve([], identity).Should().Equal("code");
    }

    [Fact]
    public void Full_identity_without_keys_uses_every_orderable_column_or_refuses_json()
    {
        FluentActions.Invoking(() => Resolve([], Full())).Should().Throw<SourceException>().WithMessage("*json*`keys:`*");
        Resolve([], Full(), jsonOrderable: true).Should().Equal("id", "code", "doc");
    }

    [Fact]
    public void Table_without_primary_key_or_identity_is_refused_with_both_fixes()
    {
        FluentActions.Invoking(() => Resolve([], new PgReplicaIdentity(new HashSet<string>(), null, false, [], "none")))
            .Should().Throw<SourceException>()
            .WithMessage($"*no primary key*ALTER TABLE {Quoted} REPLICA IDENTITY FULL;*`keys:`*");
    }

    [Fact]
    public void Primary_key_outside_the_identity_is_refused()
    {
        FluentActions.Invoking(() => Resolve(["id"], new PgReplicaIdentity(new HashSet<string>(), null, false, [], "REPLICA IDENTITY NOTHING")))
            .Should().Throw<SourceException>().WithMessage("*REPLICA IDENTITY DEFAULT*");
    }
}
