namespace Cdc.Core.Demo;

/// <summary>What the demo started, stopped in reverse order however the demo ends.</summary>
internal sealed class DemoResources : IAsyncDisposable
{
    private readonly Stack<IAsyncDisposable> _started = new();
    private readonly List<string> _folders = [];

    public T Add<T>(T resource)
        where T : IAsyncDisposable
    {
        _started.Push(resource);
        return resource;
    }

    public string TemporaryFolder()
    {
        var folder = Directory.CreateTempSubdirectory("ingest-demo-staging-").FullName;
        _folders.Add(folder);
        return folder;
    }

    public async ValueTask DisposeAsync()
    {
        while (_started.Count > 0) await _started.Pop().DisposeAsync();
        foreach (var folder in _folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }
}
