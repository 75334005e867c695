// One lint configuration for every machine. The layer zones are read from the table in docs/architecture.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Parses the layer table between the layers markers: name, path, and the layers it may import. */
function readLayers() {
  const doc = readFileSync(join(import.meta.dirname, 'docs/architecture.md'), 'utf8');
  const section = doc.split('<!-- layers:begin -->')[1]?.split('<!-- layers:end -->')[0];
  if (!section) throw new Error('docs/architecture.md has no layer table');
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|[\s:-]+\|/.test(line) && !/^\|\s*layer\s*\|/.test(line));
  return rows.map((line) => {
    const [name, path, allowed] = line
      .split('|')
      .slice(1, 4)
      .map((cell) => cell.trim());
    return {
      name,
      path: `./${path.replaceAll('`', '')}`,
      allowed: allowed === '—' ? [] : allowed.split(',').map((s) => s.trim()),
    };
  });
}

function layerZones() {
  const layers = readLayers();
  const byName = new Map(layers.map((layer) => [layer.name, layer]));
  return layers.map((layer) => {
    const mayImport = [layer.path, ...layer.allowed.map((name) => byName.get(name).path)];
    return {
      target: layer.path,
      from: './src',
      except: mayImport.map((path) => `./${path.slice('./src/'.length)}`),
      message: `The ${layer.name} layer may import only: ${layer.allowed.join(', ') || 'nothing'} (docs/architecture.md)`,
    };
  });
}

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.jukinet/**', 'test-artifacts/**', 'bin/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'Use an `as const` object and a derived union type (STYLE.md)',
        },
      ],
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: layerZones() }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
