namespace WsAuth.Testing;

/// <summary>Where the repository's files are, for tests that read docs or build outputs.</summary>
public static class RepositoryPaths
{
    /// <summary>The directory that holds WsAuth.sln, found by walking up from the test's output directory.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WsAuth.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("WsAuth.sln not found above " + AppContext.BaseDirectory);
    }
}
