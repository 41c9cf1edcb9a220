using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Cdc.Core.Pipeline.Loading;

/// <summary>
/// Sits between YamlDotNet's parser and its representation model. It drops a repeated mapping key together with its
/// value and reports it, so loading goes on and every other problem is still found (the model itself would stop at
/// the first duplicate). It also tracks the field path of the current position, for syntax errors.
/// </summary>
internal sealed class DuplicateKeyFilter(IParser inner, Action<Mark, string, string, Mark> onDuplicate) : IParser
{
    private readonly Stack<Frame> _frames = new();

    public ParsingEvent? Current { get; private set; }

    /// <summary>Where the most recently read event ended; the best position for a failure that carries none.</summary>
    public Mark LastEnd { get; private set; } = Mark.Empty;

    /// <summary>Where the innermost flow collection ('[' or '{') still open starts, and its field path.</summary>
    public (Mark Start, string Path)? OpenFlowCollection =>
        _frames.FirstOrDefault(frame => frame.IsFlow) is { } open ? (open.Start, open.Path) : null;

    /// <summary>The field path at the current position, such as <c>objects[1].keys</c>.</summary>
    public string CurrentPath => _frames.Count == 0 ? "" : _frames.Peek().PathOfNextChild();

    public bool MoveNext()
    {
        while (true)
        {
            if (!inner.MoveNext())
            {
                Current = null;
                return false;
            }

            var parsingEvent = inner.Current!;
            LastEnd = parsingEvent.End;
            if (parsingEvent is Scalar key && _frames.TryPeek(out var mapping) && mapping.ExpectsKey)
            {
                if (mapping.SeenKeys.TryGetValue(key.Value, out var first))
                {
                    onDuplicate(key.Start, mapping.PathOf(key.Value), key.Value, first);
                    SkipNode();
                    continue;
                }

                mapping.SeenKeys[key.Value] = key.Start;
                mapping.CurrentKey = key.Value;
            }

            Track(parsingEvent);
            Current = parsingEvent;
            return true;
        }
    }

    private void Track(ParsingEvent parsingEvent)
    {
        switch (parsingEvent)
        {
            case DocumentStart:
                _frames.Clear();
                break;
            case MappingStart start:
                _frames.Push(new Frame(IsMapping: true, Path: ChildPath(), start.Start, start.Style == MappingStyle.Flow));
                break;
            case SequenceStart start:
                _frames.Push(new Frame(IsMapping: false, Path: ChildPath(), start.Start, start.Style == SequenceStyle.Flow));
                break;
            case MappingEnd or SequenceEnd:
                _frames.Pop();
                NodeCompleted();
                break;
            case Scalar or AnchorAlias:
                NodeCompleted();
                break;
        }
    }

    private string ChildPath() => _frames.Count == 0 ? "" : _frames.Peek().PathOfNextChild();

    private void NodeCompleted()
    {
        if (_frames.TryPeek(out var parent)) parent.NodesSeen++;
    }

    // Drops the value that follows a duplicate key: one event, or a whole nested collection.
    private void SkipNode()
    {
        if (!inner.MoveNext()) return;
        LastEnd = inner.Current!.End;
        var depth = inner.Current!.NestingIncrease;
        while (depth > 0 && inner.MoveNext())
        {
            LastEnd = inner.Current!.End;
            depth += inner.Current!.NestingIncrease;
        }
    }

    private sealed record Frame(bool IsMapping, string Path, Mark Start, bool IsFlow)
    {
        public Dictionary<string, Mark> SeenKeys { get; } = new(StringComparer.Ordinal);

        public int NodesSeen { get; set; }

        public string? CurrentKey { get; set; }

        public bool ExpectsKey => IsMapping && NodesSeen % 2 == 0;

        public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

        public string PathOfNextChild() => IsMapping
            ? (CurrentKey is null ? Path : PathOf(CurrentKey))
            : $"{Path}[{NodesSeen}]";
    }
}
