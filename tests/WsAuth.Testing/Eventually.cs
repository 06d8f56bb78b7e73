namespace WsAuth.Testing;

/// <summary>Polls a condition that something running on its own (a background loop, a backplane, a socket) makes true.</summary>
public static class Eventually
{
    /// <summary>
    /// Returns as soon as <paramref name="condition"/> holds; checks it every <paramref name="interval"/> and once more
    /// when <paramref name="timeout"/> has passed, then fails the test.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan interval)
    {
        var attempts = (int)Math.Ceiling(timeout / interval);
        for (var i = 0; i < attempts; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(interval);
        }

        Xunit.Assert.True(await condition(), $"The condition did not hold within {timeout.TotalSeconds:0.#} seconds.");
    }

    /// <inheritdoc cref="WaitUntilAsync(Func{Task{bool}}, TimeSpan, TimeSpan)"/>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, TimeSpan interval)
        => WaitUntilAsync(() => Task.FromResult(condition()), timeout, interval);
}
