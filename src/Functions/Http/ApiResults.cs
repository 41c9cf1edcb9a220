using System.Text.Json.Serialization;
using Ingest.Functions.Orchestration;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Ingest.Functions.Http;

/// <summary>An error answer: what is wrong, and for 409 the run in flight.</summary>
internal sealed record ApiError(string Error, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] HolderView? Holder = null);

/// <summary>A run in flight, as the API shows it.</summary>
internal sealed record HolderView(string RunId, string InstanceId, string Status, DateTimeOffset Since)
{
    public static HolderView From(RunHolder holder) => new(holder.RunId, holder.InstanceId, holder.Status, holder.Since);
}

/// <summary>The management API's answers: JSON bodies whose <c>error</c> says what is wrong.</summary>
internal static class ApiResults
{
    public static ObjectResult BadRequest(string error) => Error(StatusCodes.Status400BadRequest, new ApiError(error));

    public static ObjectResult NotFound(string error) => Error(StatusCodes.Status404NotFound, new ApiError(error));

    public static ObjectResult Conflict(string error) => Error(StatusCodes.Status409Conflict, new ApiError(error));

    /// <summary>409: the pipeline already has a run in flight; names that run.</summary>
    public static ObjectResult Busy(string pipeline, RunHolder holder) => Error(StatusCodes.Status409Conflict, new ApiError(
        $"Pipeline '{pipeline}' has run {holder.RunId} in flight ({holder.Status} since {holder.Since:u}); start again once it has finished.",
        HolderView.From(holder)));

    /// <summary>202: the run was scheduled; its status is at <paramref name="statusPath"/>.</summary>
    public static AcceptedResult Accepted(string statusPath, object body) => new(statusPath, body);

    /// <summary>Logs why a request was refused, then gives the answer back.</summary>
    public static ObjectResult Logged(this ObjectResult result, ILogger logger, HttpRequest request)
    {
        FunctionsLog.HttpRefused(logger, request.Method, request.Path.Value ?? "", result.StatusCode ?? 0, (result.Value as ApiError)?.Error ?? "");
        return result;
    }

    private static ObjectResult Error(int status, ApiError error) => new(error) { StatusCode = status };
}
