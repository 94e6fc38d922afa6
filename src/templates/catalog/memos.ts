// Memos: a lightweight note-taking service for quick thoughts and knowledge.
import type { Template } from '../template.js';

export const memos: Template = {
  id: 'memos',
  name: 'Memos',
  description: 'A lightweight note-taking service for quick thoughts and knowledge.',
  category: 'documents',
  website: 'https://www.usememos.com',
  logo: { letters: 'Me', color: '#0f766e' },
  domainService: 'memos',
  secrets: {},
  compose: `services:
  memos:
    image: neosmemo/memos:0.23.0
    ports: ["5230"]
    volumes: ["memos-data:/var/opt/memos"]
    x-spur-http-health: /healthz
volumes:
  memos-data:
`,
};
