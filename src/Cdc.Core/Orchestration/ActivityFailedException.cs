namespace Cdc.Core.Orchestration;

/// <summary>An activity failed on its last attempt. The message is the activity's own error message.</summary>
public sealed class ActivityFailedException : Exception
{
    /// <param name="errorType">Full name of the exception type the activity failed with (Durable:
    /// <c>TaskFailureDetails.ErrorType</c>).</param>
    /// <param name="inner">The activity's exception, when it ran in this process.</param>
    public ActivityFailedException(string activity, string errorType, string message, Exception? inner = null)
        : base(message, inner)
    {
        ArgumentException.ThrowIfNullOrEmpty(activity);
        ArgumentException.ThrowIfNullOrEmpty(errorType);
        Activity = activity;
        ErrorType = errorType;
    }

    public string Activity { get; }

    public string ErrorType { get; }

    public bool IsCausedBy<T>()
        where T : Exception => ErrorType == typeof(T).FullName || InnerException is T;

    /// <summary>Wraps an activity's exception as its last attempt's failure.</summary>
    public static ActivityFailedException From(string activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new ActivityFailedException(activity, exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception);
    }
}
