using Microsoft.Data.SqlClient;

namespace Cdc.Core.SqlServer;

/// <summary>
/// SQL Server and Azure SQL error numbers worth retrying: the service is busy, moving, or throttling; the connection
/// broke; a deadlock or snapshot conflict chose this statement as the victim. Anything else (a missing object, a
/// permission, bad data) fails at once, since retrying cannot fix it.
/// </summary>
public static class SqlTransientErrors
{
    private static readonly HashSet<int> Numbers =
    [
        -2,     // client-side timeout
        20,     // the instance does not support encryption (while failing over)
        64,     // connection dropped during login
        233,    // no process on the other end of the pipe
        1205,   // deadlock victim
        3960,   // snapshot isolation update conflict
        4060,   // database unavailable (e.g. while moving)
        4221,   // login to a read-secondary failed: redo in progress
        10053,  // transport-level error
        10054,  // connection reset by peer
        10060,  // network timeout
        10928,  // resource limit reached
        10929,  // resource governor: too busy
        40143,  // service failed the request
        40197,  // service error processing the request (reconfiguration)
        40501,  // service is busy
        40540,  // service failed the request
        40613,  // database not currently available
        42108,  // cannot connect to the SQL pool
        42109,  // SQL pool is paused / resuming
        49918,  // not enough resources to process the request
        49919,  // too many create/update operations
        49920,  // too many operations in progress
    ];

    public static bool IsTransient(SqlException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        foreach (SqlError error in exception.Errors)
            if (Numbers.Contains(error.Number)) return true;
        return false;
    }

}
