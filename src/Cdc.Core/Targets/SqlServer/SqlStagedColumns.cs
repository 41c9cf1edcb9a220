using System.Data.SqlTypes;
using System.Globalization;
using Cdc.Core.Model;
using Cdc.Core.Targets.Postgres;

namespace Cdc.Core.Targets.SqlServer;

/// <summary>One column of a stage table, and the reader field that fills it.</summary>
/// <param name="Ddl">The column's type in CREATE TABLE, with its nullability.</param>
/// <param name="ClrType">The CLR type of the values the reader hands out for it.</param>
internal sealed record StagedField(string Name, string Ddl, Type ClrType);

/// <summary>
/// How a batch's columns are staged for SqlBulkCopy. A column whose type the client can write travels as its typed
/// value in <c>c{i}</c>; hierarchyid, geography, geometry and sql_variant travel as text in raw columns
/// (<c>r{i}</c>, plus <c>r{i}_srid</c> or <c>r{i}_type</c>) and are built into their type in SQL. Stage columns are
/// positional, so no source name can collide with them, and character columns take the database's collation
/// (temporary tables otherwise take tempdb's, and comparing them with the target would fail).
/// </summary>
internal sealed class SqlStagedColumns
{
    private readonly HashSet<string>?[] _variantTypes;

    public SqlStagedColumns(SqlTargetLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Layout = layout;
        var fields = new List<StagedField>();
        var converted = new List<int>();
        _variantTypes = new HashSet<string>?[layout.DataColumns.Count];
        for (var i = 0; i < layout.DataColumns.Count; i++)
        {
            var type = layout.DataColumns[i].Type;
            switch (type.Name)
            {
                case "hierarchyid":
                    fields.Add(new StagedField(RawColumn(i), "nvarchar(4000) COLLATE DATABASE_DEFAULT NULL", typeof(string)));
                    break;
                case "geography" or "geometry":
                    fields.Add(new StagedField(RawColumn(i), "nvarchar(max) COLLATE DATABASE_DEFAULT NULL", typeof(string)));
                    fields.Add(new StagedField(SridColumn(i), "int NULL", typeof(int)));
                    break;
                case "sql_variant":
                    fields.Add(new StagedField(RawColumn(i), "nvarchar(max) COLLATE DATABASE_DEFAULT NULL", typeof(string)));
                    fields.Add(new StagedField(TypeColumn(i), "nvarchar(64) COLLATE DATABASE_DEFAULT NULL", typeof(string)));
                    _variantTypes[i] = new HashSet<string>(StringComparer.Ordinal);
                    break;
                default:
                    fields.Add(new StagedField(ValueColumn(i), ValueDdl(type), ClrTypeOf(type)));
                    continue;
            }
            converted.Add(i);
        }
        Fields = fields;
        ConvertedOrdinals = converted;
    }

    public SqlTargetLayout Layout { get; }

    /// <summary>The staged data fields in order: <c>c{i}</c> or the raw parts of column i.</summary>
    public IReadOnlyList<StagedField> Fields { get; }

    /// <summary>Columns built in SQL from raw parts.</summary>
    public IReadOnlyList<int> ConvertedOrdinals { get; }

    public static string ValueColumn(int ordinal) => "c" + Number(ordinal);

    public static string RawColumn(int ordinal) => "r" + Number(ordinal);

    public static string SridColumn(int ordinal) => "r" + Number(ordinal) + "_srid";

    public static string TypeColumn(int ordinal) => "r" + Number(ordinal) + "_type";

    /// <summary>A typed stage column: the target's type, nullable, character types in the database's collation.</summary>
    public static string ValueDdl(SqlColumnType type) =>
        type.IsCharacter ? $"{type.Sql} COLLATE DATABASE_DEFAULT NULL" : $"{type.Sql} NULL";

    /// <summary>
    /// Writes the staged fields of one row into <paramref name="into"/> from <paramref name="offset"/> on. A delete
    /// stages only its key values; a value the source did not send stages as NULL (its flag says so).
    /// </summary>
    /// <exception cref="TargetValueException">A value cannot be written; names the table, column and row key.</exception>
    public void Project(object?[] values, bool keysOnly, object?[] into, int offset)
    {
        var schema = Layout.Schema;
        var at = offset;
        for (var i = 0; i < Layout.DataColumns.Count; i++)
        {
            var type = Layout.DataColumns[i].Type;
            var value = values[i];
            if (value is null || ReferenceEquals(value, Unchanged.Value) || (keysOnly && !Layout.IsKey[i]))
            {
                into[at++] = null;
                if (type.Name is "geography" or "geometry" or "sql_variant") into[at++] = null;
                continue;
            }
            try
            {
                switch (type.Name)
                {
                    case "hierarchyid":
                        into[at++] = SqlSpecialValues.HierarchyPath((string)value);
                        break;
                    case "geography" or "geometry":
                        var (wkt, srid) = SqlSpecialValues.Spatial((string)value, type);
                        into[at++] = wkt;
                        into[at++] = srid;
                        break;
                    case "sql_variant":
                        var (variantType, text) = SqlSpecialValues.Variant((string)value);
                        into[at++] = text;
                        into[at++] = variantType;
                        _variantTypes[i]!.Add(variantType);
                        break;
                    default:
                        into[at++] = SqlValueConverter.ToSqlValue(schema.Columns[i].Type, type, value);
                        break;
                }
            }
            catch (Exception e) when (e is InvalidCastException or ArgumentException)
            {
                throw ValueError(Layout, i, values, value, e);
            }
        }
    }

    /// <summary>The SQL that builds converted column <paramref name="ordinal"/> from its raw parts, which
    /// <paramref name="alias"/> qualifies (<c>s.</c>, or empty).</summary>
    public string ConversionExpression(int ordinal, string alias)
    {
        var type = Layout.DataColumns[ordinal].Type;
        return type.Name switch
        {
            "hierarchyid" => SqlSpecialValues.HierarchyExpression(alias + RawColumn(ordinal)),
            "geography" or "geometry" => SqlSpecialValues.SpatialExpression(type, alias + RawColumn(ordinal), alias + SridColumn(ordinal)),
            "sql_variant" => SqlSpecialValues.VariantExpression(alias + TypeColumn(ordinal), alias + RawColumn(ordinal), _variantTypes[ordinal]!),
            _ => throw new ArgumentOutOfRangeException(nameof(ordinal), $"Column {ordinal} is not converted in SQL."),
        };
    }

    /// <summary>Forgets the variant base types seen so far (before the next chunk is staged).</summary>
    public void ResetVariantTypes()
    {
        foreach (var set in _variantTypes) set?.Clear();
    }

    /// <summary>The error for a value that cannot be written, naming the table, column and row key.</summary>
    public static TargetValueException ValueError(SqlTargetLayout layout, int ordinal, object?[] row, object value, Exception error)
    {
        var column = layout.Schema.Columns[ordinal];
        var reason = error is InvalidCastException
            ? $"the value is a {value.GetType().Name}, but a {column.Type} column carries {LogicalTypeClr.ClrTypeOf(column.Type).Name} values"
            : error.Message;
        return new TargetValueException(layout.Table, column.Name, RowDescriber.Key(layout.Schema, row), reason, error);
    }

    /// <summary>The CLR type <see cref="SqlValueConverter"/> produces for a column type.</summary>
    public static Type ClrTypeOf(SqlColumnType type) => type.Name switch
    {
        "bit" => typeof(bool),
        "tinyint" => typeof(byte),
        "smallint" => typeof(short),
        "int" => typeof(int),
        "bigint" => typeof(long),
        "real" => typeof(float),
        "float" => typeof(double),
        "decimal" or "numeric" => typeof(SqlDecimal),
        "money" or "smallmoney" => typeof(decimal),
        "binary" or "varbinary" or "image" => typeof(byte[]),
        "uniqueidentifier" => typeof(Guid),
        "date" or "datetime2" or "datetime" or "smalldatetime" => typeof(DateTime),
        "time" => typeof(TimeSpan),
        "datetimeoffset" => typeof(DateTimeOffset),
        _ => typeof(string),
    };

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
