import { describeDev } from './dev-stack';

describeDev('dev');
