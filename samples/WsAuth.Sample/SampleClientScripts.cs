using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace WsAuth.Sample;

/// <summary>
/// Serves the browser client at /js/, compiled from clients/js/src by <c>tsc</c> into clients/js/dist (building this
/// project runs <c>npm run build</c> there when the output is missing or older than the sources), so the sample's page
/// imports the real <c>@wsauth/client</c> module rather than a copy: <c>/js/wsauth.js</c> is the package's entry
/// module (<c>index.js</c>), which imports its sibling modules from /js/. The folder is found relative to the content
/// root (the project folder under <c>dotnet run</c>), or configured with <c>Sample:ClientScriptsPath</c>.
/// </summary>
internal static class SampleClientScripts
{
    public const string RequestPath = "/js";
    public const string ConfigurationKey = "Sample:ClientScriptsPath";

    /// <summary>The route of the entry module, kept from the first release (README).</summary>
    public const string ModuleName = "wsauth.js";

    /// <summary>The entry module tsc emits.</summary>
    public const string EntryFile = "index.js";

    public static IApplicationBuilder UseSampleClientScripts(this WebApplication app)
    {
        var configured = app.Configuration[ConfigurationKey];
        var folder = Path.GetFullPath(Path.Combine(
            app.Environment.ContentRootPath,
            string.IsNullOrWhiteSpace(configured) ? Path.Combine("..", "..", "clients", "js", "dist") : configured));
        if (!File.Exists(Path.Combine(folder, EntryFile)))
        {
            throw new InvalidOperationException(
                $"The browser client was not found: {Path.Combine(folder, EntryFile)} does not exist. The sample serves "
                + "clients/js/dist of the repository (the TypeScript client compiled by tsc) at /js/. Building the sample "
                + "compiles it when Node.js is installed; otherwise run `npm ci && npm run build` in clients/js, "
                + $"or set {ConfigurationKey} to the folder that holds {EntryFile}.");
        }

        return app.UseClientScripts(folder);
    }

    /// <summary>Serves the compiled modules of <paramref name="folder"/> at /js/, with /js/wsauth.js as the entry module.</summary>
    public static IApplicationBuilder UseClientScripts(this IApplicationBuilder app, string folder)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.Equals($"{RequestPath}/{ModuleName}", StringComparison.OrdinalIgnoreCase))
            {
                context.Request.Path = $"{RequestPath}/{EntryFile}";
            }

            return next(context);
        });

        // Only the modules: nothing else in that folder (the .d.ts declarations) is served.
        var contentTypes = new FileExtensionContentTypeProvider();
        contentTypes.Mappings.Clear();
        contentTypes.Mappings[".js"] = "text/javascript";
        return app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = RequestPath,
            FileProvider = new PhysicalFileProvider(folder),
            ContentTypeProvider = contentTypes,
            OnPrepareResponse = static file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
    }
}
