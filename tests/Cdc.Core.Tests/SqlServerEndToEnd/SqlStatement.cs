using Microsoft.Data.SqlClient;

namespace Cdc.Core.Tests.SqlServerEndToEnd;

/// <summary>T-SQL text with the parameters it names.</summary>
public sealed record SqlStatement(string Sql, IReadOnlyList<SqlParameter> Parameters)
{
    public SqlCommand ToCommand(SqlConnection connection, SqlTransaction? transaction)
    {
        var command = new SqlCommand(Sql, connection, transaction) { CommandTimeout = 120 };
        foreach (var parameter in Parameters) command.Parameters.Add(parameter);
        return command;
    }
}
