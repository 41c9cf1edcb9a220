using Cdc.Core.Runs;

namespace Cdc.Core.Orchestration;

/// <summary>Puts one set of component overrides around another.</summary>
public static class ComponentOverridesComposition
{
    /// <summary>
    /// <paramref name="outer"/>'s wrappers around <paramref name="inner"/>'s (metering outside a caller's fault
    /// injection, say); <paramref name="outer"/>'s clock unless it has none; <paramref name="inner"/>'s part sizes.
    /// </summary>
    public static ComponentOverrides Around(this ComponentOverrides outer, ComponentOverrides inner)
    {
        ArgumentNullException.ThrowIfNull(outer);
        ArgumentNullException.ThrowIfNull(inner);
        return new ComponentOverrides(
            Compose(inner.WrapStore, outer.WrapStore),
            Compose(inner.WrapSource, outer.WrapSource),
            Compose(inner.WrapTarget, outer.WrapTarget),
            outer.Time ?? inner.Time,
            inner.StagingSettings ?? outer.StagingSettings);
    }

    private static Func<T, T>? Compose<T>(Func<T, T>? first, Func<T, T>? then) =>
        first is null ? then : then is null ? first : value => then(first(value));
}
