using System.Data;
using System.Globalization;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>One typed parameter of a <see cref="SqlValue"/>.</summary>
public sealed record SqlArgument(SqlDbType Type, object Value, int Size = 0, byte Precision = 0, byte Scale = 0)
{
    public SqlParameter ToParameter(string name)
    {
        var parameter = new SqlParameter(name, Type) { Value = Value };
        if (Size != 0) parameter.Size = Size;
        if (Precision != 0) parameter.Precision = Precision;
        if (Type is SqlDbType.Decimal or SqlDbType.Time or SqlDbType.DateTime2 or SqlDbType.DateTimeOffset) parameter.Scale = Scale;
        return parameter;
    }
}

/// <summary>
/// A value to write into a column: a T-SQL expression over typed parameters (<c>{0}</c>, <c>{1}</c> stand for their
/// names), so values the client cannot send directly (hierarchyid, geography, geometry, sql_variant of a chosen base
/// type) are built by the server from exact inputs. NULL has no parameters.
/// </summary>
public sealed class SqlValue
{
    private readonly string _template;

    private SqlValue(string template, IReadOnlyList<SqlArgument> arguments)
    {
        _template = template;
        Arguments = arguments;
    }

    public static SqlValue Null { get; } = new("NULL", []);

    public IReadOnlyList<SqlArgument> Arguments { get; }

    public bool IsNull => Arguments.Count == 0;

    /// <summary>A plain parameter.</summary>
    public static SqlValue Of(SqlDbType type, object value, int size = 0, byte precision = 0, byte scale = 0) =>
        new("{0}", [new SqlArgument(type, value, size, precision, scale)]);

    /// <summary>An expression over parameters, e.g. <c>geography::STGeomFromText({0}, {1})</c>.</summary>
    public static SqlValue Expression(string template, params SqlArgument[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Length == 0) throw new ArgumentException("An expression value needs at least one parameter; use Null for NULL.", nameof(arguments));
        return new SqlValue(template, arguments);
    }

    /// <summary>The expression with its parameters named <paramref name="name"/>, <c>&lt;name&gt;_1</c>, ...</summary>
    public string Sql(string name) =>
        IsNull ? "NULL" : string.Format(CultureInfo.InvariantCulture, _template, Names(name).Cast<object>().ToArray());

    public IEnumerable<SqlParameter> Parameters(string name) => Arguments.Zip(Names(name), (argument, n) => argument.ToParameter(n));

    private string[] Names(string name) => Enumerable.Range(0, Arguments.Count).Select(i => i == 0 ? name : $"{name}_{i}").ToArray();

    public override string ToString() => IsNull ? "NULL" : $"{_template} with {string.Join(", ", Arguments.Select(a => a.Value))}";
}
