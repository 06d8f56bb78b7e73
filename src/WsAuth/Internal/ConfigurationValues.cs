using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace WsAuth.Internal;

/// <summary>Reads typed values from a configuration section; a value that does not parse fails naming its key.</summary>
internal static class ConfigurationValues
{
    public static void Bool<TOptions>(IConfigurationSection section, string key, Action<bool> set)
    {
        if (section[key] is not { } raw)
        {
            return;
        }

        if (!bool.TryParse(raw, out var value))
        {
            throw Invalid<TOptions>(section, key, "must be true or false");
        }

        set(value);
    }

    public static void Int<TOptions>(IConfigurationSection section, string key, Action<int> set)
    {
        if (section[key] is not { } raw)
        {
            return;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Invalid<TOptions>(section, key, "must be an integer");
        }

        set(value);
    }

    public static void TimeSpanValue<TOptions>(IConfigurationSection section, string key, Action<TimeSpan> set)
    {
        if (section[key] is not { } raw)
        {
            return;
        }

        if (!TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var value))
        {
            throw Invalid<TOptions>(section, key, "must be a time span such as 00:00:30");
        }

        set(value);
    }

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

    private static OptionsValidationException Invalid<TOptions>(IConfigurationSection section, string key, string what)
        => new(typeof(TOptions).Name, typeof(TOptions), [$"{section.Path}:{key} {what}."]);
}
