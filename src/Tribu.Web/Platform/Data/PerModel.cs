using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tribu.Web.Platform.Data;

/// <summary>
/// A compiled query (EF.CompileAsyncQuery) for each model it meets: EF binds a compiled query to the first model that runs
/// it, and one process can hold both providers' models (the test suite hosts SQLite and PostgreSQL side by side).
/// </summary>
public sealed class PerModel<T>(Func<T> compile) where T : class
{
    private readonly ConditionalWeakTable<IModel, T> _compiled = [];

    public T For(DbContext db) => _compiled.GetValue(db.Model, _ => compile());
}
