"""Reading and checking the configuration files: mkpi.yml, sources.yml, and the registries in dbt_project.yml's vars."""
