using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>
/// Binds <typeparamref name="TOptions"/> from one configuration section, when the app has a configuration and the
/// section exists. Every WsAuth package binds its options this way (this file is linked into each of them).
/// </summary>
internal abstract class SectionConfigureOptions<TOptions>(IServiceProvider services, string sectionName) : IConfigureOptions<TOptions>
    where TOptions : class
{
    public void Configure(TOptions options)
    {
        if (services.GetService<IConfiguration>()?.GetSection(sectionName) is { } section && section.Exists())
        {
            Bind(section, options);
        }
    }

    /// <summary>Reads the section's keys into <paramref name="options"/>, strictly (see <see cref="ConfigurationValues"/>).</summary>
    protected abstract void Bind(IConfigurationSection section, TOptions options);
}

/// <summary>Reads configuration values strictly: a value that does not parse is an error naming its key.</summary>
internal static class ConfigurationValues
{
    public static void Bind<TOptions>(IConfigurationSection section, string key, Action<bool> set)
        => Bind<TOptions, bool>(section, key, set, raw => (bool.TryParse(raw, out var v), v), "true or false");

    public static void Bind<TOptions>(IConfigurationSection section, string key, Action<int> set)
        => Bind<TOptions, int>(section, key, set, raw => (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v), v), "a whole number");

    public static void Bind<TOptions>(IConfigurationSection section, string key, Action<TimeSpan> set)
        => Bind<TOptions, TimeSpan>(section, key, set, raw => (TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var v), v), "a time span such as 00:00:05");

    public static void BindEnum<TOptions, TEnum>(IConfigurationSection section, string key, Action<TEnum> set)
        where TEnum : struct, Enum
        => Bind<TOptions, TEnum>(
            section,
            key,
            set,
            raw => (Enum.TryParse<TEnum>(raw, ignoreCase: true, out var v) && Enum.IsDefined(v) && !int.TryParse(raw, CultureInfo.InvariantCulture, out _), v),
            "one of " + string.Join(", ", Enum.GetNames<TEnum>()));

    public static void String(IConfigurationSection section, string key, Action<string> set)
    {
        if (section[key] is { } raw)
        {
            set(raw);
        }
    }

    public static void List(IConfigurationSection section, string key, ICollection<string> target)
    {
        foreach (var child in section.GetSection(key).GetChildren())
        {
            if (child.Value is { } value)
            {
                target.Add(value);
            }
        }
    }

    private static void Bind<TOptions, T>(IConfigurationSection section, string key, Action<T> set, Func<string, (bool Ok, T Value)> parse, string expected)
    {
        if (section[key] is not { } raw)
        {
            return;
        }

        var (ok, value) = parse(raw.Trim());
        if (!ok)
        {
            // The value is not echoed: configuration can hold secrets, and the key is enough to find it.
            throw new OptionsValidationException(typeof(TOptions).Name, typeof(TOptions), [$"{section.Path}:{key} must be {expected}."]);
        }

        set(value);
    }
}
