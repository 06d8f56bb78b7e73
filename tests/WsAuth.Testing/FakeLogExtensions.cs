using System.Globalization;
using Microsoft.Extensions.Logging.Testing;

namespace WsAuth.Testing;

/// <summary>
/// What the tests need on top of <see cref="FakeLogCollector"/>: every record as text to scan for secrets, the
/// structured state as <c>Name=value</c> strings, and the lines written by the WsAuth libraries themselves.
/// </summary>
public static class FakeLogExtensions
{
    extension(FakeLogRecord record)
    {
        /// <summary>The structured state as <c>Name=value</c> strings (the message template as <c>{OriginalFormat}=...</c>).</summary>
        public string[] StateValues => record.StructuredState is { } state ? [.. state.Select(p => $"{p.Key}={p.Value}")] : [];

        /// <summary>Everything about the record as text, to search for secrets: category, event, message, state, scopes, exception.</summary>
        public string AllText => string.Join('\n', [
            record.Category ?? string.Empty,
            record.Id.Name ?? string.Empty,
            record.Id.Id.ToString(CultureInfo.InvariantCulture),
            record.Message,
            .. record.StateValues,
            .. record.Scopes.Select(s => s?.ToString() ?? string.Empty),
            record.Exception?.ToString() ?? string.Empty]);
    }

    /// <summary>Records whose category starts with <paramref name="prefix"/>.</summary>
    public static IEnumerable<FakeLogRecord> ForCategoryPrefix(this FakeLogCollector collector, string prefix)
        => collector.GetSnapshot().Where(e => e.Category?.StartsWith(prefix, StringComparison.Ordinal) == true);

    /// <summary>Lines written by the WsAuth libraries themselves (category <c>WsAuth…</c>), not by test code in a <c>WsAuth.*Tests</c> namespace.</summary>
    public static IEnumerable<FakeLogRecord> FromWsAuth(this FakeLogCollector collector)
        => collector.GetSnapshot().Where(e => e.Category is { } category
            && category.StartsWith("WsAuth", StringComparison.Ordinal)
            && !category.StartsWith("WsAuth.FunctionalTests", StringComparison.Ordinal)
            && !category.StartsWith("WsAuth.Tests", StringComparison.Ordinal)
            && !category.StartsWith("WsAuth.Testing", StringComparison.Ordinal));
}
