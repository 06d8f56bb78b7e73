using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace WsAuth.Postgres;

/// <summary>Binds <see cref="PostgresTicketStoreOptions"/> from the <c>WsAuth:Postgres</c> configuration section, when there is a configuration.</summary>
internal sealed class PostgresTicketStoreConfigureOptions(IServiceProvider services) : IConfigureOptions<PostgresTicketStoreOptions>
{
    public const string SectionName = WebSocketAuthDefaults.ConfigurationSection + ":Postgres";

    public void Configure(PostgresTicketStoreOptions options)
    {
        var section = services.GetService<IConfiguration>()?.GetSection(SectionName);
        if (section is null || !section.Exists())
        {
            return;
        }

        if (section[nameof(PostgresTicketStoreOptions.ConnectionString)] is { Length: > 0 } connectionString)
        {
            options.ConnectionString = connectionString;
        }

        if (section[nameof(PostgresTicketStoreOptions.Schema)] is { } schema)
        {
            options.Schema = schema;
        }

        if (section[nameof(PostgresTicketStoreOptions.TableName)] is { } tableName)
        {
            options.TableName = tableName;
        }

        BindBoolean(section, nameof(PostgresTicketStoreOptions.CreateTableIfMissing), v => options.CreateTableIfMissing = v);
        BindBoolean(section, nameof(PostgresTicketStoreOptions.UnloggedTable), v => options.UnloggedTable = v);
        BindTimeSpan(section, nameof(PostgresTicketStoreOptions.OperationTimeout), v => options.OperationTimeout = v);
        BindTimeSpan(section, nameof(PostgresTicketStoreOptions.CleanupInterval), v => options.CleanupInterval = v);
    }

    private static void BindBoolean(IConfigurationSection section, string key, Action<bool> set)
    {
        if (section[key] is { } raw)
        {
            set(bool.TryParse(raw, out var value) ? value : throw Invalid(key, "true or false"));
        }
    }

    private static void BindTimeSpan(IConfigurationSection section, string key, Action<TimeSpan> set)
    {
        if (section[key] is { } raw)
        {
            set(TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid(key, "a duration such as 00:00:02"));
        }
    }

    private static OptionsValidationException Invalid(string key, string expected)
        => new(nameof(PostgresTicketStoreOptions), typeof(PostgresTicketStoreOptions), [$"{SectionName}:{key} must be {expected}."]);
}
