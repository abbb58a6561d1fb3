#!/usr/bin/env node
import { run } from '../dist/src/main.js';

run();
