using System.Data;
using Cdc.Core.Model;
using Cdc.Core.SqlServer;
using Microsoft.Data.SqlClient;

namespace Cdc.Core.Sources.SqlServer;

/// <summary>
/// Key values as parameters typed exactly like their columns (type, length, precision, scale), so a comparison with
/// the column seeks its index and compares as the column does (a varchar key is not widened to nvarchar).
/// </summary>
internal static class SqlServerKeyParameters
{
    /// <summary>Types whose values cannot order a keyset scan or come back as a parameter of the column's type.</summary>
    private static readonly HashSet<string> Unorderable = new(StringComparer.Ordinal)
        { "xml", "json", "geography", "geometry", "sql_variant", "text", "ntext", "image" };

    public static bool CanBeKey(ColumnSchema column) => !Unorderable.Contains(SqlServerTypeMapping.BaseType(column));

    /// <summary>A parameter holding <paramref name="value"/> for <paramref name="column"/>, and the expression that
    /// compares with the column (<c>hierarchyid::Parse(@p)</c> for a hierarchyid, whose value travels as its path).</summary>
    public static (SqlParameter Parameter, string Expression) Create(string name, ColumnSchema column, object value)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(value);
        var type = SqlServerTypeMapping.BaseType(column);
        var parameter = new SqlParameter { ParameterName = name };
        try
        {
            switch (type)
            {
                case "bit": Set(parameter, SqlDbType.Bit, (bool)value); break;
                case "tinyint": Set(parameter, SqlDbType.TinyInt, checked((byte)(short)value)); break;
                case "smallint": Set(parameter, SqlDbType.SmallInt, (short)value); break;
                case "int": Set(parameter, SqlDbType.Int, (int)value); break;
                case "bigint": Set(parameter, SqlDbType.BigInt, (long)value); break;
                case "decimal" or "numeric":
                    var precision = column.Precision ?? 38;
                    var scale = column.Scale ?? 0;
                    Set(parameter, SqlDbType.Decimal, SqlDecimals.ToSqlDecimal((Numeric)value, precision, scale));
                    parameter.Precision = (byte)precision;
                    parameter.Scale = (byte)scale;
                    break;
                case "money": Set(parameter, SqlDbType.Money, ((Numeric)value).ToDecimal()); break;
                case "smallmoney": Set(parameter, SqlDbType.SmallMoney, ((Numeric)value).ToDecimal()); break;
                case "float": Set(parameter, SqlDbType.Float, (double)value); break;
                case "real": Set(parameter, SqlDbType.Real, (float)value); break;
                case "date": Set(parameter, SqlDbType.Date, ((DateOnly)value).ToDateTime(TimeOnly.MinValue)); break;
                case "time": Set(parameter, SqlDbType.Time, ((TimeOnly)value).ToTimeSpan()); parameter.Scale = FractionDigits(column); break;
                case "datetime": Set(parameter, SqlDbType.DateTime, (DateTime)value); break;
                case "smalldatetime": Set(parameter, SqlDbType.SmallDateTime, (DateTime)value); break;
                case "datetime2": Set(parameter, SqlDbType.DateTime2, (DateTime)value); parameter.Scale = FractionDigits(column); break;
                case "datetimeoffset": Set(parameter, SqlDbType.DateTimeOffset, (DateTimeOffset)value); parameter.Scale = FractionDigits(column); break;
                case "char": Sized(parameter, SqlDbType.Char, column, (string)value); break;
                case "varchar": Sized(parameter, SqlDbType.VarChar, column, (string)value); break;
                case "nchar": Sized(parameter, SqlDbType.NChar, column, (string)value); break;
                case "nvarchar": Sized(parameter, SqlDbType.NVarChar, column, (string)value); break;
                case "binary": Sized(parameter, SqlDbType.Binary, column, (byte[])value); break;
                case "varbinary": Sized(parameter, SqlDbType.VarBinary, column, (byte[])value); break;
                case "rowversion": Set(parameter, SqlDbType.Binary, (byte[])value); parameter.Size = 8; break;
                case "uniqueidentifier": Set(parameter, SqlDbType.UniqueIdentifier, (Guid)value); break;
                case "hierarchyid":
                    Set(parameter, SqlDbType.NVarChar, (string)value);
                    parameter.Size = 4000;
                    return (parameter, $"hierarchyid::Parse({name})");
                default:
                    throw new ArgumentException($"Key column \"{column.Name}\" has type {column.SourceType}, which cannot order a snapshot.");
            }
        }
        catch (InvalidCastException ex)
        {
            throw new ArgumentException($"Key column \"{column.Name}\" ({column.SourceType}) was given a {value.GetType().Name} value.", ex);
        }
        return (parameter, name);
    }

    private static void Set(SqlParameter parameter, SqlDbType type, object value)
    {
        parameter.SqlDbType = type;
        parameter.Value = value;
    }

    private static void Sized(SqlParameter parameter, SqlDbType type, ColumnSchema column, object value)
    {
        Set(parameter, type, value);
        parameter.Size = column.MaxLength ?? -1;
    }

    private static byte FractionDigits(ColumnSchema column) => (byte)(column.Precision ?? 7);
}
